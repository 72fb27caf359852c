// A data-mover pod: a pod that does nothing but mount a claim, so the kubelet puts the volume on
// a node (and a WaitForFirstConsumer class provisions it) where that node's agent can copy the
// data in or out of the pod's volume directory. Used for CSI snapshot copies and for restores.
import { LifeboatError } from "@lifeboat/shared";
import { waitUntil } from "./data-mover-setup.js";
import { CORE, type KubeObjects } from "./kube-objects.js";

type Json = Record<string, any>;

/** The mover pod's only volume's name. */
export const MOVER_VOLUME = "data";
export const DEFAULT_MOVER_IMAGE = "busybox:1.36";

export interface MoverPodSpec {
  namespace: string;
  name: string;
  claim: string;
  labels: Record<string, string>;
  image: string;
  readOnly: boolean;
}

export interface RunningMover {
  name: string;
  uid: string;
  node: string;
  /** The PV bound to the claim: the volume's directory name on the node. */
  persistentVolume: string;
}

/** Creates the pod (or finds it from an earlier attempt) and waits until it runs with its claim bound. */
export async function startMoverPod(kube: KubeObjects, spec: MoverPodSpec, timeoutMs: number, signal?: AbortSignal): Promise<RunningMover> {
  const existing = await kube.get<Json>(CORE.pods, spec.namespace, spec.name, signal);
  if (!existing) await kube.create(CORE.pods, spec.namespace, moverPod(spec), signal);
  let pod: Json | undefined;
  try {
    await waitUntil(async () => {
      pod = await kube.get<Json>(CORE.pods, spec.namespace, spec.name, signal);
      if (pod?.status?.phase === "Failed" || pod?.status?.phase === "Succeeded") throw new LifeboatError("INTERNAL", `data-mover pod ${spec.namespace}/${spec.name} ended (${pod.status.phase})`);
      return pod?.status?.phase === "Running" && typeof pod.spec?.nodeName === "string";
    }, timeoutMs, `data-mover pod ${spec.namespace}/${spec.name} for claim ${spec.claim} did not start`, signal);
  } catch (err) {
    const why = pendingReason(pod);
    if (why && (err as { code?: string }).code === "UNAVAILABLE") throw new LifeboatError("UNAVAILABLE", `${(err as Error).message}: ${why}`);
    throw err;
  }
  const claim = await kube.get<Json>(CORE.claims, spec.namespace, spec.claim, signal);
  const persistentVolume = String(claim?.spec?.volumeName ?? "");
  if (!persistentVolume) throw new LifeboatError("INTERNAL", `claim ${spec.namespace}/${spec.claim} has no volume although its data-mover pod runs`);
  return { name: spec.name, uid: String(pod!.metadata.uid), node: String(pod!.spec.nodeName), persistentVolume };
}

/** Deletes the pod and waits until it is gone, so its volume is free for the next pod. */
export async function deleteMoverPod(kube: KubeObjects, namespace: string, name: string, timeoutMs = 60_000): Promise<void> {
  if (!(await kube.delete(CORE.pods, namespace, name))) return;
  await waitUntil(async () => !(await kube.get(CORE.pods, namespace, name)), timeoutMs, `data-mover pod ${namespace}/${name} did not go away`);
}

function moverPod(spec: MoverPodSpec): Json {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels },
    spec: {
      automountServiceAccountToken: false,
      // Any node will do: the volume decides where the pod can run.
      tolerations: [{ operator: "Exists" }],
      containers: [
        {
          name: "mover",
          image: spec.image,
          command: ["sleep", "86400"],
          volumeMounts: [{ name: MOVER_VOLUME, mountPath: "/data", readOnly: spec.readOnly }],
        },
      ],
      volumes: [{ name: MOVER_VOLUME, persistentVolumeClaim: { claimName: spec.claim, readOnly: spec.readOnly } }],
    },
  };
}

/** Why a pod is not running yet, from its conditions ("" when it says nothing). */
function pendingReason(pod: Json | undefined): string {
  const conditions = (pod?.status?.conditions ?? []) as Json[];
  const stuck = conditions.find((c) => c.status === "False" && c.message);
  return stuck ? `${stuck.type}: ${stuck.message}` : "";
}
