// The restore task kind end to end: the shop app backed up on one emulator and restored from the
// repository into another, across Kubernetes versions, with mappings, twice, and as a dry run.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { HookErrorMode, RestoreItemOutcome, RestorePhase, type RepositoryAccess } from "@lifeboat/proto";
import { restoreRecordName } from "@lifeboat/shared/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiControllers, uniqueName } from "../../kube-emulator/support/clusters.js";
import { useClientNode } from "../../kube-emulator/support/client-node.js";
import { initRepository, readRepository, runBackupTask } from "../backup/support/backup-runner.js";
import { createShopApp, createWidgetCrd, startRunningPod, WIDGET_GROUP, type ShopApp } from "../backup/support/shop-app.js";
import { eventually } from "../../kube-emulator/support/eventually.js";
import { runRestoreTask } from "./restore-runner.js";

const old = useClientNode({ k8sVersion: "1.16", controllers: apiControllers }, "restore-src");
const current = useClientNode({ k8sVersion: "1.30", controllers: apiControllers }, "restore-dst");
let dir: string;
let access: RepositoryAccess;
let app: ShopApp;
let backupId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-restore-"));
  access = await initRepository(pathToFileURL(join(dir, "repo")).href);
  await createWidgetCrd(old.kc);
  app = await createShopApp(old.kc, uniqueName("shop"), "1.16");
  const backup = await runBackupTask({ kc: old.kc, access, spec: { includedNamespaces: [app.namespace] } });
  backupId = backup.id; // the target emulator has a "standard" storage class of its own to map onto
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("restoring a 1.16 backup into 1.30", () => {
  let target: string;
  let first: Awaited<ReturnType<typeof runRestoreTask>>;

  beforeAll(async () => {
    target = uniqueName("shop-copy");
    first = await runRestoreTask({
      kc: current.kc,
      access,
      backupId,
      spec: { namespaceMapping: { [app.namespace]: target }, storageClassMapping: { [app.storageClass]: "standard" } },
    });
  }, 120_000);

  it("creates the app in the mapped namespace, in the versions 1.30 serves, converting what it must", async () => {
    const summary = first.result.summary!;
    expect(summary.failures.map((f) => `${f.resource}/${f.name}: ${f.message}`)).toEqual([]);
    expect(first.result.phase).toBe(RestorePhase.COMPLETED);
    expect(summary.created).toBeGreaterThanOrEqual(10n);
    expect(summary.itemsPerNamespace[target]).toBeGreaterThanOrEqual(9n);
    expect(Object.keys(summary.conversions).some((c) => c.startsWith("ingresses.") && c.endsWith("-> networking.k8s.io/v1"))).toBe(true);

    const ingress = (await current.objects.read({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: target } })) as { spec: any; metadata: any };
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: "web", port: { number: 80 } } });
    expect(ingress.metadata.labels["lifeboat.io/restore"]).toBe(first.id);
    const deployment = await current.apps.readNamespacedDeployment({ namespace: target, name: "web" });
    expect(deployment.spec?.template.spec?.volumes?.[0]?.persistentVolumeClaim?.claimName).toBe("data");
    const claim = await current.core.readNamespacedPersistentVolumeClaim({ namespace: target, name: "data" });
    expect(claim.spec?.storageClassName).toBe("standard");
    expect(claim.spec?.volumeName ?? "").toBe("");
    const binding = (await current.objects.read({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "web-reads-widgets", namespace: target } })) as { subjects: Array<{ namespace: string }> };
    expect(binding.subjects[0]!.namespace).toBe(target);
    const widget = (await current.custom.getNamespacedCustomObject({ group: WIDGET_GROUP, version: "v1", namespace: target, plural: "widgets", name: "blue" })) as { spec: { size: number } };
    expect(widget.spec.size).toBe(3);
    const secret = await current.core.readNamespacedSecret({ namespace: target, name: "db-password" });
    expect(Buffer.from(secret.data!.password!, "base64").toString()).toBe("s3cr3t-hunter2");
  });

  it("skips what a restore never takes, saying why", async () => {
    const results = await readRepository(access, (repo) => repo.manifests.get(restoreRecordName(first.id, "results"))) as { items: Array<{ resource: string; name: string; outcome: string; message?: string }> };
    const event = results.items.find((r) => r.resource === "events" && r.name === "web.scaled");
    expect(event?.outcome).toBe("RESTORE_ITEM_OUTCOME_SKIPPED");
    expect(event?.message).toMatch(/event/i);
  });

  it("is idempotent: a second restore of the same backup skips everything and duplicates nothing", async () => {
    const again = await runRestoreTask({
      kc: current.kc,
      access,
      backupId,
      spec: { namespaceMapping: { [app.namespace]: target }, storageClassMapping: { [app.storageClass]: "standard" } },
    });
    const summary = again.result.summary!;
    expect(summary.failed).toBe(0n);
    expect(summary.created).toBe(0n);
    expect(summary.skipped).toBe(first.result.summary!.items);
    const configMaps = await current.core.listNamespacedConfigMap({ namespace: target });
    expect(configMaps.items.filter((c) => c.metadata?.name === "web-config")).toHaveLength(1);
  }, 60_000);

  it("a retried attempt of the same restore counts what the first attempt created as created", async () => {
    const retried = await runRestoreTask({
      id: first.id,
      kc: current.kc,
      access,
      backupId,
      spec: { namespaceMapping: { [app.namespace]: target }, storageClassMapping: { [app.storageClass]: "standard" } },
    });
    expect(retried.result.summary!.created).toBe(first.result.summary!.created);
    expect(retried.result.summary!.failed).toBe(0n);
  }, 60_000);

  it("applies nothing on a dry run and lists what it would apply", async () => {
    const namespace = uniqueName("dry");
    const dry = await runRestoreTask({ kc: current.kc, access, backupId, spec: { namespaceMapping: { [app.namespace]: namespace }, dryRun: true } });
    expect(dry.result.summary!.dryRunItems).toContain(`deployments.apps/${namespace}/web`);
    expect(dry.result.summary!.dryRunItems.some((i) => i.startsWith(`ingresses.networking.k8s.io/${namespace}/web (`))).toBe(true);
    await expect(current.core.readNamespace({ name: namespace })).rejects.toMatchObject({ code: 404 });
  }, 60_000);

  it("refuses a bad mapping before anything is applied", async () => {
    await expect(runRestoreTask({ kc: current.kc, access, backupId, spec: { namespaceMapping: { [app.namespace]: "Not_A_Name" } } })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("refuses a mapping onto a namespace the target is terminating, before anything is applied", async () => {
    const held = await current.namespace();
    // A finalizer nobody removes holds the namespace in Terminating.
    await current.core.createNamespacedConfigMap({ namespace: held, body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } });
    await current.core.deleteNamespace({ name: held });
    await eventually("the namespace to be terminating", async () => ((await current.core.readNamespace({ name: held })).status?.phase === "Terminating" ? true : undefined));
    const before = (await current.core.listPersistentVolume()).items.length;
    await expect(runRestoreTask({ kc: current.kc, access, backupId, spec: { namespaceMapping: { [app.namespace]: held } } })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining(`namespace "${held}" is terminating`),
    });
    expect((await current.core.listNamespacedConfigMap({ namespace: held })).items.map((c) => c.metadata?.name)).toEqual(["held"]);
    expect((await current.core.listPersistentVolume()).items.length).toBe(before);
    await current.core.patchNamespacedConfigMap({ namespace: held, name: "held", body: [{ op: "remove", path: "/metadata/finalizers" }] });
  });
});

describe("restoring a 1.30 backup into another 1.30 cluster", () => {
  const another = useClientNode({ k8sVersion: "1.30", controllers: apiControllers }, "restore-other");

  it("restores every item as it is, in the versions both serve, with nothing converted", async () => {
    await createWidgetCrd(current.kc).catch(() => undefined); // restored by the suite above when it ran first
    const source = await createShopApp(current.kc, uniqueName("same-shop"), "1.30");
    const backup = await runBackupTask({ kc: current.kc, access, spec: { includedNamespaces: [source.namespace] } });
    const run = await runRestoreTask({ kc: another.kc, access, backupId: backup.id });
    expect(run.result.summary!.failures).toEqual([]);
    expect(run.result.phase).toBe(RestorePhase.COMPLETED);
    expect(run.result.summary!.conversions).toEqual({});
    expect(run.result.summary!.itemsPerNamespace[source.namespace]).toBeGreaterThanOrEqual(9n);
    const ingress = (await another.objects.read({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: source.namespace } })) as { spec: any };
    expect(ingress.spec.rules[0].http.paths[0].pathType).toBe("Prefix");
  }, 120_000);
});

describe("restoring a 1.30 backup into 1.16", () => {
  it("restores what 1.16 serves and fails, per item, what it does not, naming the version", async () => {
    await createWidgetCrd(current.kc).catch(() => undefined); // restored by the suite above when it ran first
    const source = await createShopApp(current.kc, uniqueName("new-shop"), "1.30");
    const backup = await runBackupTask({ kc: current.kc, access, spec: { includedNamespaces: [source.namespace] } });
    const target = uniqueName("old-shop");
    const run = await runRestoreTask({ kc: old.kc, access, backupId: backup.id, spec: { namespaceMapping: { [source.namespace]: target } } });
    expect(run.result.phase).toBe(RestorePhase.PARTIALLY_FAILED);
    const failures = run.result.summary!.failures;
    expect(failures.map((f) => f.resource)).toEqual(["ingresses.networking.k8s.io"]);
    expect(failures[0]!.outcome).toBe(RestoreItemOutcome.FAILED);
    expect(failures[0]!.message).toMatch(/v1/);
    expect((await old.apps.readNamespacedDeployment({ namespace: target, name: "web" })).metadata?.labels?.["lifeboat.io/backup"]).toBe(backup.id);
  }, 120_000);
});

describe("restore hooks", () => {
  /** Plays the kubelet for a restored pod: binds it to node-1 once it exists and reports it Running. */
  async function runWhenRestored(namespace: string, name: string, containers: string[]): Promise<void> {
    const pod = await eventually(`pod ${namespace}/${name} to be restored`, () => current.core.readNamespacedPod({ namespace, name }).catch(() => undefined), 60_000);
    await current.core.createNamespacedPodBinding({ namespace, name, body: { metadata: { name }, target: { kind: "Node", name: "node-1" } } });
    const bound = await current.core.readNamespacedPod({ namespace, name });
    const now = new Date();
    await current.core.replaceNamespacedPodStatus({
      namespace,
      name,
      body: { ...bound, status: { phase: "Running", containerStatuses: containers.map((c) => ({ name: c, image: "busybox:1.36", imageID: "", ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } })) } },
    });
    expect(pod.metadata?.name).toBe(name);
  }

  it("adds init containers to the restored pods and runs exec commands in them once they run, a failure making the restore PartiallyFailed", async () => {
    const source = await old.namespace();
    await startRunningPod(old.kc, source, "db-0", { app: "db" }, ["mysql"]);
    await startRunningPod(old.kc, source, "web-0", { app: "web" }, ["web"]);
    const backup = await runBackupTask({ kc: old.kc, access, spec: { includedNamespaces: [source] } });
    const target = uniqueName("hooked");
    const kubelet = Promise.all([runWhenRestored(target, "db-0", ["mysql"]), runWhenRestored(target, "web-0", ["web"])]);
    const run = await runRestoreTask({
      kc: current.kc,
      access,
      backupId: backup.id,
      spec: {
        namespaceMapping: { [source]: target },
        hooks: [
          {
            name: "warm-up",
            labelSelector: "app=db",
            initContainers: [{ name: "restore-data", image: "busybox:1.36", command: ["sh", "-c", "true"] }],
            exec: [
              { command: ["sh", "-c", "echo restored in $HOSTNAME"], waitTimeout: durationFromMs(30_000) },
              { command: ["sh", "-c", "exit 4"], onError: HookErrorMode.CONTINUE, waitTimeout: durationFromMs(30_000) },
            ],
          },
        ],
      },
    });
    await kubelet;
    const hooks = run.result.summary!.hooks;
    expect(hooks.map((h) => [h.hook, h.phase, h.pod, h.container, h.succeeded, h.exitCode, h.stdout])).toEqual([
      ["warm-up", "restore", "db-0", "mysql", true, 0, "restored in db-0\n"],
      ["warm-up", "restore", "db-0", "mysql", false, 4, ""],
    ]);
    expect(run.result.phase).toBe(RestorePhase.PARTIALLY_FAILED);
    const db = await current.core.readNamespacedPod({ namespace: target, name: "db-0" });
    expect(db.spec?.initContainers?.map((c) => c.name)).toEqual(["restore-data"]);
    const web = await current.core.readNamespacedPod({ namespace: target, name: "web-0" });
    expect(web.spec?.initContainers ?? []).toEqual([]);
  }, 120_000);
});
