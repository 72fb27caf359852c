// The workload the benchmark backs up: a namespace with one claim and one pod mounting it, and
// where the claim's data lives on the emulator's disk (<dataDir>/volumes/<pv>).
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";

export interface BenchClaim {
  namespace: string;
  claim: string;
  pod: string;
  persistentVolume: string;
  /** The PV's data directory. */
  dir: string;
}

export const CLAIM = "data";
export const POD = "app";

/** Polls `probe` every 200 ms until it gives a value, or fails naming `what` after `timeoutMs`. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

export class BenchCluster {
  readonly core: CoreV1Api;

  constructor(
    kubeconfigPath: string,
    /** The emulator's --data-dir. */
    readonly dataDir: string,
  ) {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  /**
   * Namespace `namespace` with a claim of class `standard` big enough for `bytes` and a pod
   * mounting it; resolves once the pod runs and the claim is bound.
   */
  async createClaimWithPod(namespace: string, bytes: number): Promise<BenchClaim> {
    await this.core.createNamespace({ body: { metadata: { name: namespace } } });
    const gi = Math.max(1, Math.ceil((bytes * 1.5) / 2 ** 30));
    await this.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: { metadata: { name: CLAIM }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: `${gi}Gi` } } } },
    });
    await this.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: POD, labels: { app: POD } },
        spec: {
          containers: [{ name: "main", image: "postgres:16", volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql/data" }] }],
          volumes: [{ name: "data", persistentVolumeClaim: { claimName: CLAIM } }],
        },
      },
    });
    await eventually(`pod ${namespace}/${POD} Running`, async () => ((await this.core.readNamespacedPod({ namespace, name: POD })).status?.phase === "Running" ? true : undefined), 120_000);
    return this.boundClaim(namespace, 120_000);
  }

  /** The claim `namespace`/data once bound, with its volume's directory. */
  async boundClaim(namespace: string, timeoutMs = 30_000): Promise<BenchClaim> {
    const persistentVolume = await eventually(
      `claim ${namespace}/${CLAIM} Bound`,
      async () => {
        const claim = await this.core.readNamespacedPersistentVolumeClaim({ namespace, name: CLAIM });
        return claim.status?.phase === "Bound" && claim.spec?.volumeName ? claim.spec.volumeName : undefined;
      },
      timeoutMs,
    );
    return { namespace, claim: CLAIM, pod: POD, persistentVolume, dir: path.join(this.dataDir, "volumes", persistentVolume) };
  }
}
