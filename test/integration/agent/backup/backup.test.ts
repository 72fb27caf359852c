// The backup task kind against the emulator (1.16 and 1.30) into a filesystem repository: what a
// backup holds, how each spec field narrows it, dependencies, dry runs and deduplication.
import { readFile, readdir, rm } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BackupMode, BackupPhase, ClusterResourcePolicy, type RepositoryAccess } from "@lifeboat/proto";
import { listBackups, openStorage, type BackupItem } from "@lifeboat/shared/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiControllers, uniqueName } from "../../kube-emulator/support/clusters.js";
import { useClientNode } from "../../kube-emulator/support/client-node.js";
import { createApiReader } from "../../../../agent/src/backup/kube/api-reader.js";
import { itemName } from "../../../../agent/src/backup/resources.js";
import { blobNames, initRepository, manifestItemNames, readManifest, readRepository, runBackupTask } from "./support/backup-runner.js";
import { clusterDependencies, createShopApp, createWidgetCrd, WIDGET_GROUP, type ShopApp } from "./support/shop-app.js";

const SECRET_VALUE = "s3cr3t-hunter2";

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe.each(["1.16", "1.30"])("backing up a %s cluster", (k8sVersion) => {
  const cluster = useClientNode({ k8sVersion, controllers: apiControllers }, "backup");
  let dir: string;
  let access: RepositoryAccess;
  let app: ShopApp;
  let other: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-backup-"));
    access = await initRepository(pathToFileURL(join(dir, "repo")).href);
    await createWidgetCrd(cluster.kc);
    app = await createShopApp(cluster.kc, uniqueName("shop"), k8sVersion);
    other = await cluster.namespace();
    await cluster.core.createNamespacedConfigMap({ namespace: other, body: { metadata: { name: "elsewhere", labels: { app: "shop" } } } });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("takes a namespace's items in every served version, with the cluster-scoped items they depend on", async () => {
    const run = await runBackupTask({ kc: cluster.kc, access, spec: { includedNamespaces: [app.namespace] } });
    const manifest = await readManifest(access, run.id);
    expect(manifestItemNames(manifest)).toEqual([...app.namespacedItems, ...clusterDependencies(app)].sort());

    const { result } = run;
    expect(result.phase).toBe(BackupPhase.COMPLETED);
    expect(result.kubernetesVersion).toBe(cluster.emulator.persona.version.gitVersion);
    expect(result.clusterFingerprint).toBe(cluster.emulator.kubeSystemUid);
    const summary = result.summary!;
    expect(summary.items).toBe(BigInt(manifest.items.length));
    expect(summary.itemVersions).toBe(BigInt(manifest.items.reduce((n, item) => n + item.versions!.length, 0)));
    expect(summary.dependenciesAdded).toBe(4n);
    expect(summary.itemsPerNamespace[app.namespace]).toBe(BigInt(app.namespacedItems.length - 1));
    expect(summary.itemsPerResource["deployments.apps"]).toBe(1n);
    expect(summary.bytesAdded).toBeGreaterThan(0n);
    expect(summary.errors).toEqual([]);

    const widget = manifest.items.find((i) => i.resource === "widgets")!;
    expect(widget).toMatchObject({ group: WIDGET_GROUP, version: "v1", kind: "Widget" });
    expect(widget.versions!.map((v) => v.version)).toEqual(["v1", "v1beta1"]);
    // An object two groups serve is one item, under the preferred group, with each group's versions.
    const servedAs = (item: BackupItem) => item.versions!.map((v) => `${v.resource ?? item.resource}.${v.group ?? item.group}/${v.version}`);
    const ingresses = manifest.items.filter((i) => i.resource === "ingresses");
    expect(ingresses).toHaveLength(1);
    const [ingress] = ingresses;
    const events = manifest.items.filter((i) => i.resource === "events");
    expect(events.map((e) => e.name)).toEqual(["web.scaled"]);
    if (k8sVersion === "1.16") {
      expect(`${ingress!.group}/${ingress!.version}`).toBe("networking.k8s.io/v1beta1");
      expect(servedAs(ingress!)).toEqual(["ingresses.networking.k8s.io/v1beta1", "ingresses.extensions/v1beta1"]);
      expect(servedAs(events[0]!)).toEqual(["events./v1", "events.events.k8s.io/v1beta1"]);
    } else {
      expect(servedAs(ingress!)).toEqual(["ingresses.networking.k8s.io/v1"]);
      expect(servedAs(events[0]!)).toEqual(["events./v1", "events.events.k8s.io/v1"]);
    }
    expect(events[0]).toMatchObject({ group: "", version: "v1", kind: "Event" });
    expect(summary.itemsPerResource["ingresses.networking.k8s.io"]).toBe(1n);
    expect(summary.itemsPerResource["ingresses.extensions"]).toBeUndefined();
    expect(summary.itemsPerResource["events.events.k8s.io"]).toBeUndefined();
    expect(summary.itemsPerResource["events"]).toBe(1n);
    expect(summary.itemVersions).toBeGreaterThan(summary.items);

    // Each version's content is the item's JSON in that group and version: the same object.
    await readRepository(access, async (repo) => {
      for (const item of manifest.items) {
        const uids = new Set<string>();
        for (const { group = item.group, version, content } of item.versions!) {
          const json = JSON.parse(Buffer.from(await repo.content.getContent(content)).toString("utf8"));
          uids.add(json.metadata.uid);
          expect(json.apiVersion).toBe(group === "" ? version : `${group}/${version}`);
          expect(json.kind).toBe(item.kind);
          expect(json.metadata.name).toBe(item.name);
          expect(json.metadata.namespace ?? "").toBe(item.namespace);
        }
        expect(uids.size, itemName(item)).toBe(1);
      }
      const deployment = manifest.items.find((i) => i.resource === "deployments")!;
      const json = JSON.parse(Buffer.from(await repo.content.getContent(deployment.content)).toString("utf8"));
      expect(json.spec.template.spec.serviceAccountName).toBe("web");
      expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
      const secret = manifest.items.find((i) => i.resource === "secrets")!;
      const secretJson = JSON.parse(Buffer.from(await repo.content.getContent(secret.content)).toString("utf8"));
      expect(Buffer.from(secretJson.data.password, "base64").toString()).toBe(SECRET_VALUE);

      // The log and results records sit beside the manifest, and say nothing of the secret.
      const log = JSON.stringify(await repo.manifests.get(`backups/${run.id}/log`));
      const results = (await repo.manifests.get(`backups/${run.id}/results`)) as { errors: unknown[]; hooks: unknown[] };
      expect(log).toContain("selected");
      expect(log).not.toContain(SECRET_VALUE);
      expect(results).toMatchObject({ errors: [], hooks: [] });
    });

    // The catalog's view is in the manifest, spec and summary as proto JSON.
    expect(manifest).toMatchObject({ cluster: "cluster-1", clusterName: "east-1", policyId: "nightly", labels: { app: "shop" }, phase: "BACKUP_PHASE_COMPLETED" });
    expect(manifest.spec).toEqual({ repository: "main", includedNamespaces: [app.namespace] });
    expect((manifest.summary as { items: string }).items).toBe(String(manifest.items.length));
    expect(manifest.expires).toBeDefined();

    // The secret is stored only encrypted, and never logged.
    for (const file of await allFiles(join(dir, "repo"))) expect((await readFile(file)).includes(SECRET_VALUE), file).toBe(false);
    expect(run.logLines.join("\n")).not.toContain(SECRET_VALUE);

    // Progress names the stages in order and counts items and bytes.
    const stages = [...new Set(run.progress.map((p) => p.message))];
    expect(stages).toEqual(["discover", "select", "expand", "pre-hooks", "serialize", "post-hooks", "manifest"]);
    const last = run.progress.at(-1)!;
    expect(last.counters).toMatchObject({ items_done: manifest.items.length, items_total: manifest.items.length });
    expect(Number(last.counters!.bytes)).toBe(Number(summary.bytes));
  });

  it("backs up the whole cluster, every served resource read without an error", async () => {
    const run = await runBackupTask({ kc: cluster.kc, access, spec: {} });
    expect(run.result.summary!.errors).toEqual([]);
    expect(run.result.phase).toBe(BackupPhase.COMPLETED);
    const names = manifestItemNames(await readManifest(access, run.id));
    expect(names).toEqual(expect.arrayContaining([...app.namespacedItems, ...clusterDependencies(app), `namespaces//kube-system`, `configmaps/${other}/elsewhere`]));
    expect(names).toContain("storageclasses.storage.k8s.io//standard");
    // Everything cluster-scoped comes along without a namespace filter, dependencies or not.
    expect(names.filter((n) => n.startsWith("nodes//"))).not.toEqual([]);
    // Each object once, whichever groups serve it.
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n.startsWith("ingresses.extensions/") || n.startsWith("events.events.k8s.io/"))).toEqual([]);
    expect(run.result.summary!.items).toBe(BigInt(names.length));
  });

  it("adds (almost) nothing when the cluster has not changed since the last backup", async () => {
    const spec = { includedNamespaces: [app.namespace] };
    const first = await runBackupTask({ kc: cluster.kc, access, spec });
    const second = await runBackupTask({ kc: cluster.kc, access, spec });
    const [a, b] = [await readManifest(access, first.id), await readManifest(access, second.id)];
    expect(manifestItemNames(b)).toEqual(manifestItemNames(a));
    expect(b.items.map((i) => i.content)).toEqual(a.items.map((i) => i.content));
    // The item index is the same pages: the second manifest points at what the first stored.
    expect(b.itemIndex).toEqual(a.itemIndex);
    expect(second.result.summary!.bytesAdded).toBe(0n);
    expect(second.result.summary!.bytes).toBe(first.result.summary!.bytes);
  });

  it("leaves out excluded resources and, with cluster resources excluded, every cluster-scoped dependency", async () => {
    const run = await runBackupTask({
      kc: cluster.kc,
      access,
      spec: { includedNamespaces: [app.namespace], excludedResources: ["secrets", "Ingress"], includeClusterResources: ClusterResourcePolicy.EXCLUDE },
    });
    const expected = app.namespacedItems.filter((n) => !n.startsWith("secrets/") && !n.startsWith("ingresses."));
    expect(manifestItemNames(await readManifest(access, run.id))).toEqual(expected.sort());
    expect(run.result.summary!.dependenciesAdded).toBe(0n);
  });

  it("selects by label and pulls in what the selected items need, even of resources not included", async () => {
    const run = await runBackupTask({
      kc: cluster.kc,
      access,
      spec: { includedNamespaces: [app.namespace], includedResources: ["configmaps", "deployments"], labelSelector: "app=shop" },
    });
    const ns = app.namespace;
    expect(manifestItemNames(await readManifest(access, run.id))).toEqual(
      [
        `namespaces//${ns}`,
        `configmaps/${ns}/web-config`,
        `deployments.apps/${ns}/web`,
        `serviceaccounts/${ns}/web`,
        `secrets/${ns}/db-password`,
        `persistentvolumeclaims/${ns}/data`,
        `persistentvolumes//${app.persistentVolume}`,
        `storageclasses.storage.k8s.io//${app.storageClass}`,
      ].sort(),
    );
    expect(run.result.summary!.dependenciesAdded).toBe(5n);
  });

  it("takes the union of the or-selectors", async () => {
    const run = await runBackupTask({
      kc: cluster.kc,
      access,
      spec: { includedNamespaces: [app.namespace, other], includedResources: ["configmaps"], orLabelSelectors: ["tier=web", "tier=cache"] },
    });
    const ns = app.namespace;
    expect(manifestItemNames(await readManifest(access, run.id))).toEqual([`configmaps/${ns}/cache-config`, `configmaps/${ns}/web-config`, `namespaces//${ns}`, `namespaces//${other}`].sort());
  });

  it("a dry run lists what it would take, every namespace and cluster-scoped item included, and writes nothing", async () => {
    const emptyDir = join(dir, "empty");
    const empty = await initRepository(pathToFileURL(emptyDir).href);
    const run = await runBackupTask({ kc: cluster.kc, access: empty, spec: { mode: BackupMode.DRY_RUN, excludedNamespaces: ["kube-*"] } });
    const items = run.result.summary!.dryRunItems;
    expect(items).toEqual(expect.arrayContaining([...app.namespacedItems, ...clusterDependencies(app), `configmaps/${other}/elsewhere`, `namespaces//${other}`]));
    expect(items.some((i) => i.startsWith("namespaces//kube-"))).toBe(false);
    // Each object once, under the group it is backed up as.
    expect(items.filter((i) => i.startsWith("ingresses.extensions/") || i.startsWith("events.events.k8s.io/"))).toEqual([]);
    expect(items).toEqual([...items].sort());
    expect(run.result.summary!.items).toBe(BigInt(items.length));
    expect(run.result.phase).toBe(BackupPhase.COMPLETED);
    const storage = openStorage(empty.url);
    expect(await blobNames(storage)).toEqual(["repository.json"]);
    await storage.close();
  });

  it("a data-only backup takes no resources, and resources-only the same as normal", async () => {
    const dataOnly = await runBackupTask({ kc: cluster.kc, access, spec: { mode: BackupMode.DATA_ONLY, includedNamespaces: [app.namespace] } });
    expect(dataOnly.result.phase).toBe(BackupPhase.COMPLETED);
    expect((await readManifest(access, dataOnly.id)).items).toEqual([]);
    const resourcesOnly = await runBackupTask({ kc: cluster.kc, access, spec: { mode: BackupMode.RESOURCES_ONLY, includedNamespaces: [app.namespace] } });
    expect(manifestItemNames(await readManifest(access, resourcesOnly.id))).toEqual([...app.namespacedItems, ...clusterDependencies(app)].sort());
  });

  it("refuses a spec naming a namespace or resource this cluster lacks, writing nothing", async () => {
    const before = await readRepository(access, (repo) => listBackups(repo.manifests));
    await expect(runBackupTask({ kc: cluster.kc, access, spec: { includedNamespaces: [app.namespace, "no-such-namespace"] } })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      field: "spec.included_namespaces",
      value: "no-such-namespace",
      retryable: false,
    });
    await expect(runBackupTask({ kc: cluster.kc, access, spec: { includedResources: ["gizmos.nowhere.io"] } })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      field: "spec.included_resources",
    });
    expect(await readRepository(access, (repo) => listBackups(repo.manifests))).toEqual(before);
  });

  it("reads lists in pages chained by continue tokens, raw as the server sent them", async () => {
    const ns = await cluster.namespace();
    for (let i = 0; i < 5; i++) await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `page-${i}` }, data: { i: String(i) } } });
    const reader = createApiReader(cluster.kc, 2);
    const pages = [];
    for await (const page of reader.listPages({ group: "", version: "v1", resource: "configmaps" }, { namespace: ns })) pages.push(page);
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((i) => i.metadata?.name))).toEqual(["page-0", "page-1", "page-2", "page-3", "page-4"]);
    // Timestamps stay the server's strings, not Date objects.
    expect(typeof pages[0]!.items[0]!.metadata!.creationTimestamp).toBe("string");
    expect(await reader.get({ group: "", version: "v1", resource: "configmaps" }, ns, "missing")).toBeUndefined();
    await expect(reader.get({ group: "", version: "v1", resource: "nothings" }, ns, "x")).resolves.toBeUndefined();
  });

  it("a retried attempt of the same backup replaces its own records", async () => {
    const id = "0123456789abcdef0123456789abcdef";
    await runBackupTask({ id, kc: cluster.kc, access, spec: { includedNamespaces: [other] } });
    await cluster.core.createNamespacedConfigMap({ namespace: other, body: { metadata: { name: "added-later" } } });
    await runBackupTask({ id, kc: cluster.kc, access, spec: { includedNamespaces: [other] } });
    expect(manifestItemNames(await readManifest(access, id))).toEqual([`configmaps/${other}/added-later`, `configmaps/${other}/elsewhere`, `namespaces//${other}`]);
  });
});
