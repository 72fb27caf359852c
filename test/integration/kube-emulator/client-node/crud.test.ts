// Create, read, replace and delete through client-node's typed APIs and KubernetesObjectApi,
// with the defaults and folding a real API server applies on the way in.
import { CoreV1Api, type KubernetesObject, type V1ConfigMap, type V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
// From source: the @lifeboat/test-harness package resolves to dist/, which only a build makes.
import { startFleet } from "../../../harness/src/index.js";
import { apiFailure, kubeConfigFor, useClientNode } from "../support/client-node.js";
import { apiControllers, personaGrid } from "../support/clusters.js";

const deployment = (name: string): V1Deployment => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, labels: { app: name } },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image: "nginx:1.25" }] } },
  },
});

describe.each(personaGrid)("CRUD on %s (tls: %s)", (version, tls) => {
  const k = useClientNode({ k8sVersion: version, tls, controllers: apiControllers }, "crud");

  it("ConfigMap: create, read, replace, delete", async () => {
    const namespace = await k.namespace();
    const created = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "settings", labels: { a: "1" } }, data: { k: "v" } } });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(created.metadata?.namespace).toBe(namespace);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);

    const read = await k.core.readNamespacedConfigMap({ name: "settings", namespace });
    expect(read.data).toEqual({ k: "v" });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);
    expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);

    const replaced = await k.core.replaceNamespacedConfigMap({ name: "settings", namespace, body: { ...read, data: { k: "w", extra: "x" } } });
    expect(replaced.data).toEqual({ k: "w", extra: "x" });
    expect(replaced.metadata?.uid).toBe(created.metadata?.uid);
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    expect((await k.core.readNamespacedConfigMap({ name: "settings", namespace })).data).toEqual({ k: "w", extra: "x" });

    await k.core.deleteNamespacedConfigMap({ name: "settings", namespace });
    const gone = await apiFailure(k.core.readNamespacedConfigMap({ name: "settings", namespace }));
    expect(gone.code).toBe(404);
    expect((await k.core.listNamespacedConfigMap({ namespace })).items).toEqual([]);
  });

  it("ConfigMap carries no metadata.generation (only resources whose strategy sets it do)", async () => {
    const namespace = await k.namespace();
    const created = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "g" }, data: { a: "b" } } });
    expect(created.metadata?.generation).toBeUndefined();
  });

  it("Secret: stringData is folded into base64 data and never stored", async () => {
    const namespace = await k.namespace();
    const created = await k.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: "creds" }, data: { existing: Buffer.from("old").toString("base64") }, stringData: { password: "hunter2", existing: "new" } },
    });
    expect(created.type).toBe("Opaque");
    expect(created.stringData).toBeUndefined();
    expect(created.data).toEqual({ password: Buffer.from("hunter2").toString("base64"), existing: Buffer.from("new").toString("base64") });
    const read = await k.core.readNamespacedSecret({ name: "creds", namespace });
    expect(read.stringData).toBeUndefined();
    expect(Buffer.from(read.data!.password!, "base64").toString()).toBe("hunter2");

    const replaced = await k.core.replaceNamespacedSecret({ name: "creds", namespace, body: { ...read, stringData: { token: "t0k" } } });
    expect(replaced.stringData).toBeUndefined();
    expect(Buffer.from(replaced.data!.token!, "base64").toString()).toBe("t0k");
    expect(replaced.data!.password).toBe(read.data!.password);
    await k.core.deleteNamespacedSecret({ name: "creds", namespace });
    expect((await apiFailure(k.core.readNamespacedSecret({ name: "creds", namespace }))).code).toBe(404);
  });

  it("Deployment: spec defaults applied, generation 1, status ignored on create", async () => {
    const namespace = await k.namespace();
    const body = deployment("web");
    body.status = { replicas: 99 };
    const created = await k.apps.createNamespacedDeployment({ namespace, body });
    expect(created.spec?.replicas).toBe(1);
    expect(created.spec?.revisionHistoryLimit).toBe(10);
    expect(created.spec?.progressDeadlineSeconds).toBe(600);
    expect(created.spec?.strategy?.type).toBe("RollingUpdate");
    expect(created.spec?.strategy?.rollingUpdate?.maxSurge).toBe("25%");
    expect(created.spec?.strategy?.rollingUpdate?.maxUnavailable).toBe("25%");
    expect(created.metadata?.generation).toBe(1);
    expect(created.status?.replicas ?? 0).not.toBe(99);

    const read = await k.apps.readNamespacedDeployment({ name: "web", namespace });
    read.spec!.replicas = 3;
    const replaced = await k.apps.replaceNamespacedDeployment({ name: "web", namespace, body: read });
    expect(replaced.spec?.replicas).toBe(3);
    expect(replaced.metadata?.generation).toBe(2);
    await k.apps.deleteNamespacedDeployment({ name: "web", namespace });
    expect((await apiFailure(k.apps.readNamespacedDeployment({ name: "web", namespace }))).status.reason).toBe("NotFound");
  });

  it("Deployment: pod template defaults applied as the real defaulters do", async () => {
    const namespace = await k.namespace();
    const created = await k.apps.createNamespacedDeployment({ namespace, body: deployment("tpl") });
    const pod = created.spec!.template.spec!;
    expect(pod.restartPolicy).toBe("Always");
    expect(pod.dnsPolicy).toBe("ClusterFirst");
    expect(pod.schedulerName).toBe("default-scheduler");
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pod.securityContext).toEqual({});
    const c = pod.containers[0]!;
    expect(c.imagePullPolicy).toBe("IfNotPresent");
    expect(c.terminationMessagePath).toBe("/dev/termination-log");
    expect(c.terminationMessagePolicy).toBe("File");
  });

  it("Service: clusterIP allocated and port defaults applied", async () => {
    const namespace = await k.namespace();
    const created = await k.core.createNamespacedService({
      namespace,
      body: { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80 }] } },
    });
    expect(created.spec?.type).toBe("ClusterIP");
    expect(created.spec?.sessionAffinity).toBe("None");
    expect(created.spec?.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(created.spec?.ports?.[0]).toMatchObject({ name: "http", port: 80, protocol: "TCP", targetPort: 80 });
    const read = await k.core.readNamespacedService({ name: "web", namespace });
    expect(read.spec?.clusterIP).toBe(created.spec?.clusterIP);
  });

  it("Service: create, read, replace, delete", async () => {
    const namespace = await k.namespace();
    await k.core.createNamespacedService({
      namespace,
      body: { metadata: { name: "db" }, spec: { selector: { app: "db" }, ports: [{ name: "pg", port: 5432, targetPort: 5432, protocol: "TCP" }] } },
    });
    const read = await k.core.readNamespacedService({ name: "db", namespace });
    read.spec!.selector = { app: "db2" };
    const replaced = await k.core.replaceNamespacedService({ name: "db", namespace, body: read });
    expect(replaced.spec?.selector).toEqual({ app: "db2" });
    await k.core.deleteNamespacedService({ name: "db", namespace });
    expect((await k.core.listNamespacedService({ namespace })).items).toHaveLength(0);
  });

  it("generateName: server picks a unique name with the prefix", async () => {
    const namespace = await k.namespace();
    const a = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { generateName: "job-" }, data: {} } });
    const b = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { generateName: "job-" }, data: {} } });
    expect(a.metadata?.name).toMatch(/^job-[a-z0-9]{5}$/);
    expect(b.metadata?.name).toMatch(/^job-[a-z0-9]{5}$/);
    expect(a.metadata?.name).not.toBe(b.metadata?.name);
    expect(a.metadata?.generateName).toBe("job-");
    const names = (await k.core.listNamespacedConfigMap({ namespace })).items.map((c) => c.metadata?.name).sort();
    expect(names).toEqual([a.metadata?.name, b.metadata?.name].sort());
  });

  it("KubernetesObjectApi: create, read, patch, replace, list, delete across kinds", async () => {
    const namespace = await k.namespace();
    const cm: V1ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "generic", namespace }, data: { a: "1" } };
    const created = await k.objects.create(cm);
    expect(created.metadata?.uid).toBeTruthy();
    const read = await k.objects.read<V1ConfigMap>({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "generic", namespace } });
    expect(read.data).toEqual({ a: "1" });
    const replaced = await k.objects.replace<V1ConfigMap>({ ...read, data: { a: "2" } });
    expect(replaced.data).toEqual({ a: "2" });
    const patched = await k.objects.patch<V1ConfigMap>({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "generic", namespace }, data: { b: "3" } });
    expect(patched.data).toEqual({ a: "2", b: "3" });

    const dep = await k.objects.create<KubernetesObject>({ ...deployment("generic-web"), metadata: { name: "generic-web", namespace } });
    expect(dep.apiVersion).toBe("apps/v1");
    expect(dep.kind).toBe("Deployment");
    const list = await k.objects.list("apps/v1", "Deployment", namespace);
    expect(list.items.map((d) => d.metadata?.name)).toEqual(["generic-web"]);

    await k.objects.delete({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "generic", namespace } });
    await k.objects.delete({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "generic-web", namespace } });
    expect((await k.objects.list("v1", "ConfigMap", namespace)).items).toHaveLength(0);
    expect((await k.objects.list("apps/v1", "Deployment", namespace)).items).toHaveLength(0);
  });

  it("deletecollection with a label selector deletes only the matching objects", async () => {
    const namespace = await k.namespace();
    for (const [name, tier] of [
      ["c1", "cache"],
      ["c2", "cache"],
      ["w1", "web"],
    ] as const) {
      await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels: { tier } } } });
    }
    await k.core.deleteCollectionNamespacedConfigMap({ namespace, labelSelector: "tier=cache" });
    expect((await k.core.listNamespacedConfigMap({ namespace })).items.map((c) => c.metadata?.name)).toEqual(["w1"]);
  });

  it("cluster-scoped objects: namespaces list the seeded ones and kube-system has the reported UID", async () => {
    const names = (await k.core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(["default", "kube-system", "kube-public"]));
    const ks = await k.core.readNamespace({ name: "kube-system" });
    expect(ks.metadata?.uid).toBe(k.emulator.kubeSystemUid);
    expect(ks.status?.phase).toBe("Active");
  });
});

describe("a fleet of emulators", () => {
  it("five at once with mixed versions all answer, each with its own kube-system UID", async () => {
    const versions = ["1.16", "1.30", "1.20", "1.25", "1.30"];
    const fleet = await startFleet(versions);
    try {
      expect(fleet.clusters).toHaveLength(5);
      const uids = await Promise.all(
        fleet.clusters.map(async (cluster, i) => {
          const core = kubeConfigFor(cluster).makeApiClient(CoreV1Api);
          const ks = await core.readNamespace({ name: "kube-system" });
          expect(ks.metadata?.uid).toBe(cluster.kubeSystemUid);
          // Each answers with its own persona and keeps its own objects.
          await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: `only-in-${i}` } } });
          const res = await fetch(`${cluster.url}/version`);
          const info = (await res.json()) as { minor: string };
          expect(info.minor).toBe(versions[i]!.split(".")[1]);
          return ks.metadata!.uid!;
        }),
      );
      expect(new Set(uids).size).toBe(5);
      expect(new Set(fleet.clusters.map((c) => c.url)).size).toBe(5);
      for (const [i, cluster] of fleet.clusters.entries()) {
        const names = (await kubeConfigFor(cluster).makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: "default" })).items.map((c) => c.metadata?.name);
        expect(names.filter((n) => n?.startsWith("only-in-"))).toEqual([`only-in-${i}`]);
      }
    } finally {
      await fleet.stop();
    }
  });
});
