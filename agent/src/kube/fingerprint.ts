import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { LifeboatError } from "@lifeboat/shared";
import { toKubeError } from "./kube-error.js";
import { withSignal } from "./request-options.js";

/**
 * The cluster's fingerprint: the UID of its kube-system namespace, which every cluster has,
 * nobody deletes, and which changes when the cluster is rebuilt. The hub keys registrations by it.
 */
export async function readFingerprint(kc: KubeConfig, signal?: AbortSignal): Promise<string> {
  const doing = "reading namespace kube-system for the cluster's fingerprint";
  let uid: string | undefined;
  try {
    const namespace = await kc.makeApiClient(CoreV1Api).readNamespace({ name: "kube-system" }, withSignal(signal));
    uid = namespace.metadata?.uid;
  } catch (err) {
    throw toKubeError(err, doing, signal);
  }
  if (!uid) throw new LifeboatError("INTERNAL", `${doing}: the namespace has no metadata.uid`);
  return uid;
}
