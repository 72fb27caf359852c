#!/usr/bin/env node
// The main job: two sandbox clusters posing as Kubernetes 1.16 and 1.30, the sample shop applied
// to each with kubectl (on 1.16 with a database StatefulSet and its volume, RBAC, a LoadBalancer
// Service, an extensions/v1beta1 Ingress, a CronJob, a CRD and one custom resource), and
// `kubectl get` of it from both. Then the fleet: a local hub (its own redis-server on a free
// loopback port), one agent per cluster registered with a token, and their inventory. Then a
// backup: a filesystem repository, a policy that backs up the shop on the 1.16 cluster every
// night and keeps a week of dailies, run once now, and `lifeboat backup describe` of the result.
// The database writes rows into its volume first, and the backup copies that volume's files
// through the node agents (one per sandbox node). Then the migration: that backup restored into
// the 1.30 cluster, into the namespace shop-migrated and from the in-tree EBS disk class to the
// CSI one, its report, `kubectl get` of the migrated app as 1.30 serves it (networking.k8s.io/v1
// Ingress, batch/v1 CronJob), and the same rows read back from the database's new volume.
import { Command } from "commander";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFleet, type Fleet } from "./kube-fleet.js";
import { kubectlOk, type KubectlTarget } from "./kubectl.js";
import { LIFEBOAT_CLI, lifeboatCli, startClusterAgent, startLocalHub, waitForClusters } from "./local-hub.js";
import type { ProcessGroup } from "./process-group.js";
import { startRedis, type RunningRedis } from "./redis-server.js";
import { startNodeAgents, type NodeAgents } from "./node-agents.js";

const here = dirname(fileURLToPath(import.meta.url));
const sampleDir = join(here, "..", "sample-app");
const kinds = "deployments,statefulsets,services,configmaps,secrets,ingresses,cronjobs,persistentvolumeclaims";
const SHOP_CRD = {
  manifest: join(sampleDir, "shop-crd-1.16.yaml"),
  name: "promotions.shop.example.com",
  resources: join(sampleDir, "shop-promotion-1.16.yaml"),
};

interface Target extends KubectlTarget {
  label: string;
  manifest: string;
  /** Applied after `manifest`: a CRD, waited for until established, then its custom resources. */
  crd?: { manifest: string; name: string; resources: string };
  /** "1.16" or "1.30": the cluster's k8s label in the fleet. */
  version: string;
}

/** Runs `lifeboat <args>` to completion; rejects with its error line on a non-zero exit. */
const lifeboat = (args: readonly string[]): Promise<string> => lifeboatCli(args);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface RunningFleet {
  hubAddress: string;
  dataDir: string;
  admin: string[];
}

/**
 * Starts redis-server, `lifeboat hub start` and one `lifeboat agent start` per target, each in
 * its own process group, and waits until every cluster is CONNECTED with a completed inventory.
 */
async function startLifeboat(targets: readonly Target[], root: string, groups: ProcessGroup[], onRedis: (r: RunningRedis) => void): Promise<RunningFleet> {
  await mkdir(join(root, "redis"), { recursive: true });
  const redis = await startRedis({ dir: join(root, "redis"), appendOnly: true });
  onRedis(redis);
  process.stderr.write(`lifeboat: starting a hub (redis-server on ${redis.url})\n`);
  const hub = await startLocalHub({ dataDir: join(root, "hub"), redisUrl: redis.url, hubId: "demo-hub" });
  groups.push(hub.group);
  const names: string[] = [];
  for (const [i, t] of targets.entries()) {
    const clusterName = `demo-${t.version.replace(".", "-")}`;
    names.push(clusterName);
    process.stderr.write(`lifeboat: starting an agent for ${t.label}\n`);
    groups.push(await startClusterAgent(hub, { kubeconfigPath: t.kubeconfigPath, clusterName, stateDir: join(root, `agent-${i}`), labels: { demo: "true", k8s: t.version } }));
  }
  process.stderr.write("lifeboat: waiting for both agents to connect and finish an inventory\n");
  await waitForClusters(hub, names, groups);
  return { hubAddress: hub.address, dataDir: hub.dataDir, admin: hub.admin };
}

/**
 * A filesystem repository, a nightly policy for the shop on the 1.16 cluster (a week of
 * dailies kept), run once now and waited for, and the resulting backup described.
 */
async function backUpTheShop(root: string, running: RunningFleet): Promise<string> {
  const repository = `file://${join(root, "repository")}`;
  const passwordFile = join(root, "repository.password");
  await writeFile(passwordFile, `${randomBytes(18).toString("base64url")}\n`, { mode: 0o600 });
  const show = async (title: string, args: string[]): Promise<string> => {
    process.stdout.write(`\n== lifeboat ${title}\n`);
    const out = await lifeboat([...args, ...running.admin]);
    process.stdout.write(out);
    return out;
  };
  process.stdout.write(`\n== lifeboat repo init ${repository}\n`);
  process.stdout.write(await lifeboat(["repo", "init", "--repo", repository, "--password-file", passwordFile]));
  await show("repository add shop-backups", ["repository", "add", "shop-backups", "--url", repository, "--password-file", passwordFile]);
  await show("policy create shop-nightly", [
    "policy", "create", "--name", "shop-nightly", "--cluster-selector", "k8s=1.16", "--repository", "shop-backups",
    "--include-namespaces", "shop", "--volumes", "fs", "--schedule", "0 2 * * *", "--keep-daily", "7",
  ]);
  process.stderr.write("lifeboat: running the policy now and waiting for its backup\n");
  const made = JSON.parse(await lifeboat(["policy", "run", "shop-nightly", "--wait", "-o", "json", ...running.admin])) as Array<{ id: string }>;
  await show("backup list", ["backup", "list"]);
  await show(`backup describe ${made[0]!.id}`, ["backup", "describe", made[0]!.id]);
  return made[0]!.id;
}

/** Rows the database writes into its volume before the backup, read back after the migration. */
const ORDERS = "1001,2026-11-24,espresso beans,2\n1002,2026-11-24,moka pot,1\n1003,2026-11-24,milk frother,1\n";
const ORDERS_FILE = "/var/lib/mysql/orders.csv";

/** Waits until pod `name` exists and is Ready (a controller makes it, so it may not exist yet). */
async function waitForReadyPod(target: Target, namespace: string, name: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await kubectlOk(target, ["wait", "--for=condition=Ready", `pod/${name}`, "-n", namespace, "--timeout=15s"]);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(1_000);
    }
  }
}

/** Waits for the database pod and has it write the orders into its volume. */
async function writeOrders(target: Target, namespace: string): Promise<void> {
  await waitForReadyPod(target, namespace, "db-0");
  process.stdout.write(`\n== ${target.label}: the database writes its orders (kubectl exec db-0 -- sh -c 'printf … > ${ORDERS_FILE}')\n`);
  await kubectlOk(target, ["exec", "-n", namespace, "db-0", "-c", "mysql", "--", "sh", "-c", `printf '${ORDERS.replaceAll("\n", "\\n")}' > ${ORDERS_FILE}`]);
  process.stdout.write(await kubectlOk(target, ["exec", "-n", namespace, "db-0", "-c", "mysql", "--", "cat", ORDERS_FILE]));
}

/** Reads the orders back from the migrated database's volume; throws when they are not the same rows. */
async function readOrders(target: Target, namespace: string): Promise<void> {
  await waitForReadyPod(target, namespace, "db-0");
  process.stdout.write(`\n== ${target.label}: kubectl exec -n ${namespace} db-0 -- cat ${ORDERS_FILE}\n`);
  const rows = await kubectlOk(target, ["exec", "-n", namespace, "db-0", "-c", "mysql", "--", "cat", ORDERS_FILE]);
  process.stdout.write(rows);
  if (rows !== ORDERS) throw new Error(`the migrated database's volume holds other rows than the source wrote:\n${rows}`);
  const claim = await kubectlOk(target, ["get", "pvc", "data-db-0", "-n", namespace, "-o", "jsonpath={.spec.storageClassName}"]);
  process.stdout.write(`the same ${ORDERS.trim().split("\n").length} rows, on a volume of storage class ${claim}\n`);
}

/** The migrated namespace on the 1.30 cluster, beside that cluster's own shop. */
const MIGRATED_NAMESPACE = "shop-migrated";

/**
 * Restores the 1.16 backup into the 1.30 cluster, into another namespace and from the in-tree
 * disk class to the CSI one, then shows the restore's report and the app as 1.30 serves it.
 */
async function migrateTheShop(backupId: string, target: Target, running: RunningFleet): Promise<void> {
  const args = [
    "restore", "create", "--from-backup", backupId, "--to-cluster", `demo-${target.version.replace(".", "-")}`,
    "--namespace-mapping", `shop:${MIGRATED_NAMESPACE}`, "--storage-class-mapping", "standard-hdd:fast-ssd",
  ];
  process.stdout.write(`\n== lifeboat ${args.join(" ")} --wait\n`);
  process.stderr.write("lifeboat: restoring the backup into the 1.30 cluster and waiting for it\n");
  const made = JSON.parse(await lifeboat([...args, "--wait", "-o", "json", ...running.admin])) as { id: string } | Array<{ id: string }>;
  const id = Array.isArray(made) ? made[0]!.id : made.id;
  process.stdout.write(`\n== lifeboat restore describe ${id}\n`);
  process.stdout.write(await lifeboat(["restore", "describe", id, ...running.admin]));
  // The custom resource came with its CRD, which the 1.30 cluster did not have.
  const migratedKinds = `${kinds},${SHOP_CRD.name}`;
  process.stdout.write(`\n== ${target.label}: kubectl get ${migratedKinds} -n ${MIGRATED_NAMESPACE}\n`);
  process.stdout.write(
    await kubectlOk(target, ["get", migratedKinds, "-n", MIGRATED_NAMESPACE, "-o", "custom-columns=KIND:.kind,API VERSION:.apiVersion,NAME:.metadata.name,STORAGE CLASS:.spec.storageClassName,RESTORED BY:.metadata.labels.lifeboat\\.io/restore"]),
  );
}

async function main(): Promise<void> {
  const program = new Command()
    .name("lifeboat-demo")
    .description("Applies the sample shop to two clusters, shows it from both, then runs a local hub and one agent per cluster.")
    .option("--kubeconfig <files...>", "use these clusters (1.16-style then 1.30-style) instead of sandbox clusters")
    .option("--keep", "keep the clusters, hub and agents running until Ctrl-C", false)
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
      ...(i === 0 ? { crd: SHOP_CRD } : {}),
      version: i === 0 ? "1.16" : "1.30",
    }));
  } else {
    process.stderr.write("lifeboat: starting sandbox clusters (Kubernetes 1.16 and 1.30)\n");
    fleet = await startFleet(["1.16", "1.30"]);
    targets = fleet.clusters.map((c) => ({
      label: `sandbox ${c.persona.version.gitVersion} at ${c.url}`,
      kubeconfigPath: c.kubeconfigPath,
      kubectlCacheDir: c.kubectlCacheDir,
      manifest: join(sampleDir, `shop-1.${c.persona.minor}.yaml`),
      ...(c.persona.minor === 16 ? { crd: SHOP_CRD } : {}),
      version: `1.${c.persona.minor}`,
    }));
  }
  const root = await mkdtemp(join(tmpdir(), "lifeboat-demo-fleet-"));
  const groups: ProcessGroup[] = [];
  const nodeAgents: NodeAgents[] = [];
  let redis: RunningRedis | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // Agents first, then the hub, then Redis, then the clusters: each by its process group.
      for (const g of [...groups].reverse()) await g.stop(10_000).catch(() => {});
      for (const n of nodeAgents) await n.stop().catch(() => {});
      await redis?.stop().catch(() => {});
      await fleet?.stop();
      if (cacheRoot) await rm(cacheRoot, { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
    })());
  // Ctrl-C before the end (or outside --keep's wait) stops everything the demo started.
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write("\nlifeboat: stopping the hub, agents and clusters\n");
    void stop().finally(() => process.exit(130));
  };
  if (!opts.keep) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  try {
    for (const t of targets) {
      process.stdout.write(`\n== ${t.label}: kubectl apply -f ${t.manifest}\n`);
      process.stdout.write(await kubectlOk(t, ["apply", "-f", t.manifest]));
      if (t.crd) {
        process.stdout.write(await kubectlOk(t, ["apply", "-f", t.crd.manifest]));
        await kubectlOk(t, ["wait", "--for", "condition=established", "--timeout=60s", `crd/${t.crd.name}`]);
        process.stdout.write(await kubectlOk(t, ["apply", "-f", t.crd.resources]));
      }
    }
    for (const t of targets) {
      process.stdout.write(`\n== ${t.label}: kubectl get ${kinds} -n shop\n`);
      process.stdout.write(
        await kubectlOk(t, ["get", kinds, "-n", "shop", "-o", "custom-columns=KIND:.kind,API VERSION:.apiVersion,NAME:.metadata.name,CREATED:.metadata.creationTimestamp"]),
      );
    }
    if (fleet) {
      process.stderr.write("lifeboat: starting a node agent on every sandbox node\n");
      for (const c of fleet.clusters) {
        const nodeNames = (await kubectlOk(c, ["get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"])).trim().split(/\s+/);
        nodeAgents.push(await startNodeAgents({ kubeconfigPath: c.kubeconfigPath, dataDir: c.dataDir, nodeNames }));
      }
    } else {
      process.stderr.write("lifeboat: volume data needs the node agent DaemonSet in each cluster (docs/node-agent.md)\n");
    }
    const source = targets.find((t) => t.version === "1.16") ?? targets[0]!;
    await writeOrders(source, "shop");

    const running = await startLifeboat(targets, root, groups, (r) => {
      redis = r;
    });
    process.stdout.write(`\n== lifeboat cluster list\n`);
    process.stdout.write(await lifeboat(["cluster", "list", ...running.admin]));
    process.stdout.write(`\n== lifeboat task list\n`);
    process.stdout.write(await lifeboat(["task", "list", ...running.admin]));
    const backupId = await backUpTheShop(root, running);
    const destination = targets.find((t) => t.version === "1.30") ?? targets[1]!;
    await migrateTheShop(backupId, destination, running);
    await readOrders(destination, MIGRATED_NAMESPACE);

    if (opts.keep) {
      process.stdout.write("\nRunning until Ctrl-C. Use the CLI against this hub with:\n");
      process.stdout.write(`  export LIFEBOAT_HUB=${running.hubAddress} LIFEBOAT_CA=${join(running.dataDir, "ca.crt")} LIFEBOAT_CREDENTIAL_FILE=${join(running.dataDir, "admin-credential")}\n`);
      process.stdout.write(`  node ${LIFEBOAT_CLI} cluster list\n  node ${LIFEBOAT_CLI} task list\n  node ${LIFEBOAT_CLI} events\n`);
      if (fleet) {
        process.stdout.write("Sandbox kubeconfigs:\n");
        for (const c of fleet.clusters) process.stdout.write(`  ${c.kubeconfigPath}\n`);
      }
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
