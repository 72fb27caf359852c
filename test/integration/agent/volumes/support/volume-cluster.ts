// A claim and a pod mounting it in an emulator, the claim's data directory on the emulator's disk,
// and in-process node agents for each of the emulator's nodes.
import type { KubeConfig } from "@kubernetes/client-node";
import { join } from "node:path";
import { pino } from "pino";
import { startNodeAgent } from "../../../../../agent/src/volumes/node/index.js";
import type { ClientNodeCluster } from "../../../kube-emulator/support/client-node.js";
import { eventually } from "../../../kube-emulator/support/eventually.js";

export interface PodWithClaims {
  namespace: string;
  pod: string;
  uid: string;
  node: string;
  /** Claim name -> its PV's data directory. */
  dirs: Record<string, string>;
}

export interface PodSpecOptions {
  claims: Record<string, string>; // volume name -> claim name
  storageClass?: string;
  annotations?: Record<string, string>;
  nodeName?: string;
  extraVolumes?: Array<Record<string, unknown>>;
  labels?: Record<string, string>;
}

/** Makes the claims (when missing) and the pod, and waits until it runs with its claims bound. */
export async function startPodWithClaims(cluster: ClientNodeCluster, namespace: string, pod: string, options: PodSpecOptions): Promise<PodWithClaims> {
  for (const claim of Object.values(options.claims)) {
    await cluster.core
      .createNamespacedPersistentVolumeClaim({
        namespace,
        body: { metadata: { name: claim }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: options.storageClass ?? "standard", resources: { requests: { storage: "1Gi" } } } },
      })
      .catch((err: { code?: number }) => {
        if (err.code !== 409) throw err;
      });
  }
  const volumes = [...Object.entries(options.claims).map(([name, claimName]) => ({ name, persistentVolumeClaim: { claimName } })), ...(options.extraVolumes ?? [])];
  await cluster.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: pod, labels: { app: pod, ...options.labels }, annotations: options.annotations },
      spec: {
        ...(options.nodeName ? { nodeName: options.nodeName } : {}),
        containers: [{ name: "main", image: "mysql:8", volumeMounts: volumes.map((v) => ({ name: String(v.name), mountPath: `/mnt/${String(v.name)}` })) }],
        volumes: volumes as never,
      },
    },
  });
  return eventually(`pod ${namespace}/${pod} running with its claims bound`, async () => {
    const running = await cluster.core.readNamespacedPod({ namespace, name: pod });
    if (running.status?.phase !== "Running") return undefined;
    const dirs: Record<string, string> = {};
    for (const claim of Object.values(options.claims)) {
      const bound = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace, name: claim });
      if (!bound.spec?.volumeName) return undefined;
      dirs[claim] = join(cluster.emulator.dataDir, "volumes", bound.spec.volumeName);
    }
    return { namespace, pod, uid: running.metadata!.uid!, node: running.spec!.nodeName!, dirs };
  }, 60_000);
}

/** The PV data directory of a claim. */
export async function claimDir(cluster: ClientNodeCluster, namespace: string, claim: string): Promise<string> {
  const bound = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace, name: claim });
  if (!bound.spec?.volumeName) throw new Error(`claim ${namespace}/${claim} is not bound`);
  return join(cluster.emulator.dataDir, "volumes", bound.spec.volumeName);
}

/** One in-process node agent per emulator node; `stop` ends them all. */
export async function startNodeAgents(kc: KubeConfig, cluster: ClientNodeCluster): Promise<{ stop(): Promise<void> }> {
  const nodes = (await cluster.core.listNode()).items.map((n) => n.metadata!.name!);
  const agents = await Promise.all(
    nodes.map((nodeName) => startNodeAgent({ kube: kc, nodeName, kubeletRoot: join(cluster.emulator.dataDir, "nodes", nodeName), logger: pino({ level: "silent" }), pollMs: 200 })),
  );
  return { stop: async () => void (await Promise.all(agents.map((a) => a.stop()))) };
}
