import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "@lifeboat/kube-emulator";

export interface SandboxCluster extends RunningEmulator {
  kubeconfigPath: string;
  /** A kubectl discovery cache of this cluster's own, as kubectl caches per host:port. */
  kubectlCacheDir: string;
}

export interface Fleet {
  clusters: SandboxCluster[];
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts one emulator per entry of `versions` (e.g. ["1.16", "1.30"]) with a kubeconfig
 * and kubectl cache dir each in a fresh temporary directory; `stop` ends them all and
 * removes the directory.
 */
export async function startFleet(versions: string[], options: Omit<EmulatorOptions, "k8sVersion" | "kubeconfigPath"> = {}): Promise<Fleet> {
  const dir = await mkdtemp(join(tmpdir(), "lifeboat-fleet-"));
  const clusters: SandboxCluster[] = [];
  try {
    for (const [i, version] of versions.entries()) {
      const name = `sandbox-${i + 1}-v${version.replace(".", "-")}`;
      const kubeconfigPath = join(dir, `${name}.kubeconfig`);
      const emulator = await startEmulator({ ...options, k8sVersion: version, kubeconfigPath, name, dataDir: options.dataDir ? join(options.dataDir, name) : undefined });
      clusters.push({ ...emulator, kubeconfigPath, kubectlCacheDir: join(dir, `${name}.kube-cache`) });
    }
  } catch (err) {
    await Promise.all(clusters.map((c) => c.stop()));
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    clusters,
    dir,
    stop: async () => {
      await Promise.all(clusters.map((c) => c.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
