#!/usr/bin/env node
// The main job until backups land: two sandbox clusters posing as Kubernetes 1.16 and 1.30,
// the sample shop applied to each with kubectl, and `kubectl get` of it from both, each
// answered in that cluster's preferred API versions.
import { Command } from "commander";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFleet, type Fleet } from "./kube-fleet.js";
import { kubectlOk, type KubectlTarget } from "./kubectl.js";

const sampleDir = join(dirname(fileURLToPath(import.meta.url)), "..", "sample-app");
const kinds = "deployments,services,configmaps,secrets,ingresses,cronjobs";

interface Target extends KubectlTarget {
  label: string;
  manifest: string;
}

async function main(): Promise<void> {
  const program = new Command()
    .name("lifeboat-demo")
    .description("Applies the sample shop to two clusters and shows it from both.")
    .option("--kubeconfig <files...>", "use these clusters (1.16-style then 1.30-style) instead of sandbox clusters")
    .option("--keep", "keep the sandbox clusters running until Ctrl-C", false)
    .parse();
  const opts = program.opts<{ kubeconfig?: string[]; keep: boolean }>();

  let fleet: Fleet | undefined;
  let cacheRoot: string | undefined;
  let targets: Target[];
  if (opts.kubeconfig?.length) {
    cacheRoot = await mkdtemp(join(tmpdir(), "lifeboat-demo-"));
    targets = opts.kubeconfig.map((kubeconfigPath, i) => ({
      label: kubeconfigPath,
      kubeconfigPath,
      kubectlCacheDir: join(cacheRoot!, String(i)),
      manifest: join(sampleDir, i === 0 ? "shop-1.16.yaml" : "shop-1.30.yaml"),
    }));
  } else {
    process.stderr.write("lifeboat: starting sandbox clusters (Kubernetes 1.16 and 1.30)\n");
    fleet = await startFleet(["1.16", "1.30"]);
    targets = fleet.clusters.map((c) => ({
      label: `sandbox ${c.persona.version.gitVersion} at ${c.url}`,
      kubeconfigPath: c.kubeconfigPath,
      kubectlCacheDir: c.kubectlCacheDir,
      manifest: join(sampleDir, `shop-1.${c.persona.minor}.yaml`),
    }));
  }
  const stop = async (): Promise<void> => {
    await fleet?.stop();
    if (cacheRoot) await rm(cacheRoot, { recursive: true, force: true });
  };
  try {
    for (const t of targets) {
      process.stdout.write(`\n== ${t.label}: kubectl apply -f ${t.manifest}\n`);
      process.stdout.write(await kubectlOk(t, ["apply", "-f", t.manifest]));
    }
    for (const t of targets) {
      process.stdout.write(`\n== ${t.label}: kubectl get ${kinds} -n shop\n`);
      process.stdout.write(
        await kubectlOk(t, ["get", kinds, "-n", "shop", "-o", "custom-columns=KIND:.kind,API VERSION:.apiVersion,NAME:.metadata.name,CREATED:.metadata.creationTimestamp"]),
      );
    }
    if (opts.keep && fleet) {
      process.stdout.write("\nSandbox kubeconfigs (Ctrl-C stops the clusters):\n");
      for (const c of fleet.clusters) process.stdout.write(`  ${c.kubeconfigPath}\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
    }
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`lifeboat: ${(err as Error).message}\n`);
  process.exit(1);
});
