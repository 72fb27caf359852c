import { VersionApi, type KubeConfig } from "@kubernetes/client-node";
import { toKubeError } from "./kube-error.js";
import { withSignal } from "./request-options.js";

/** The API server's gitVersion from /version, e.g. "v1.30.2". */
export async function readKubernetesVersion(kc: KubeConfig, signal?: AbortSignal): Promise<string> {
  try {
    const info = await kc.makeApiClient(VersionApi).getCode({}, withSignal(signal));
    return info.gitVersion;
  } catch (err) {
    throw toKubeError(err, "reading the API server's /version", signal);
  }
}
