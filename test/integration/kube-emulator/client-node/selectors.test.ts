// Label and field selectors on list, through client-node.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { useClientNode } from "../support/client-node.js";
import { apiControllers, personaGrid } from "../support/clusters.js";

describe.each(personaGrid)("selectors on %s (tls: %s)", (version, tls) => {
  const k = useClientNode({ k8sVersion: version, tls, nodes: 2, controllers: apiControllers }, "sel");

  it("label selectors: =, ==, !=, in, notin, exists, !key and conjunctions", async () => {
    const namespace = await k.namespace();
    const labelled: Record<string, Record<string, string>> = {
      a: { env: "prod", tier: "web" },
      b: { env: "staging", tier: "web" },
      c: { env: "prod" },
      d: { tier: "db" },
      e: {},
    };
    for (const [name, labels] of Object.entries(labelled)) {
      await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels } } });
    }
    const select = async (labelSelector: string) =>
      (await k.core.listNamespacedConfigMap({ namespace, labelSelector })).items.map((i) => i.metadata!.name!).sort();

    expect(await select("env=prod")).toEqual(["a", "c"]);
    expect(await select("env==prod")).toEqual(["a", "c"]);
    expect(await select("env!=prod")).toEqual(["b", "d", "e"]);
    expect(await select("env in (prod,staging)")).toEqual(["a", "b", "c"]);
    expect(await select("env in (staging)")).toEqual(["b"]);
    expect(await select("env notin (prod)")).toEqual(["b", "d", "e"]);
    expect(await select("tier")).toEqual(["a", "b", "d"]);
    expect(await select("!tier")).toEqual(["c", "e"]);
    expect(await select("env=prod,tier=web")).toEqual(["a"]);
    expect(await select("tier notin (web),env")).toEqual(["c"]);
    expect(await select("env,!tier")).toEqual(["c"]);
    expect(await select("env=nope")).toEqual([]);
    expect(await select("")).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("label selector across namespaces only matches the labelled objects", async () => {
    const ns1 = await k.namespace();
    const ns2 = await k.namespace();
    const marker = `m${randomBytes(3).toString("hex")}`;
    await k.core.createNamespacedConfigMap({ namespace: ns1, body: { metadata: { name: "x", labels: { marker } } } });
    await k.core.createNamespacedConfigMap({ namespace: ns2, body: { metadata: { name: "y", labels: { marker } } } });
    await k.core.createNamespacedConfigMap({ namespace: ns2, body: { metadata: { name: "z" } } });
    const all = await k.core.listConfigMapForAllNamespaces({ labelSelector: `marker=${marker}` });
    expect(all.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`).sort()).toEqual([`${ns1}/x`, `${ns2}/y`].sort());
  });

  it("field selectors metadata.name and metadata.namespace", async () => {
    const ns1 = await k.namespace();
    const ns2 = await k.namespace();
    for (const ns of [ns1, ns2]) for (const name of ["one", "two"]) await k.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name } } });

    const byName = await k.core.listNamespacedConfigMap({ namespace: ns1, fieldSelector: "metadata.name=one" });
    expect(byName.items.map((i) => i.metadata?.name)).toEqual(["one"]);
    const notName = await k.core.listNamespacedConfigMap({ namespace: ns1, fieldSelector: "metadata.name!=one" });
    expect(notName.items.map((i) => i.metadata?.name)).toEqual(["two"]);

    const inNs = await k.core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.namespace=${ns2}` });
    expect(inNs.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`).sort()).toEqual([`${ns2}/one`, `${ns2}/two`]);
    const both = await k.core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.namespace=${ns2},metadata.name=two` });
    expect(both.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`)).toEqual([`${ns2}/two`]);

    // Namespaces themselves select by name.
    const nsList = await k.core.listNamespace({ fieldSelector: `metadata.name=${ns1}` });
    expect(nsList.items.map((n) => n.metadata?.name)).toEqual([ns1]);
  });

  it("pod field selectors spec.nodeName and status.phase", async () => {
    const namespace = await k.namespace();
    const pod = (name: string, nodeName?: string) => ({
      metadata: { name },
      spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: "c", image: "busybox:1.36" }] },
    });
    await k.core.createNamespacedPod({ namespace, body: pod("on-1", "node-1") });
    await k.core.createNamespacedPod({ namespace, body: pod("on-2", "node-2") });
    await k.core.createNamespacedPod({ namespace, body: pod("also-on-1", "node-1") });
    await k.core.createNamespacedPod({ namespace, body: pod("unscheduled") });
    // A status write makes one pod Running.
    const running = await k.core.readNamespacedPod({ name: "on-1", namespace });
    running.status = { ...running.status, phase: "Running" };
    await k.core.replaceNamespacedPodStatus({ name: "on-1", namespace, body: running });

    const names = async (fieldSelector: string) => (await k.core.listNamespacedPod({ namespace, fieldSelector })).items.map((p) => p.metadata!.name!).sort();
    expect(await names("spec.nodeName=node-1")).toEqual(["also-on-1", "on-1"]);
    expect(await names("spec.nodeName=node-2")).toEqual(["on-2"]);
    expect(await names("spec.nodeName=")).toEqual(["unscheduled"]);
    expect(await names("spec.nodeName!=node-1")).toEqual(["on-2", "unscheduled"]);
    expect(await names("status.phase=Running")).toEqual(["on-1"]);
    expect(await names("status.phase=Pending")).toEqual(["also-on-1", "on-2", "unscheduled"]);
    expect(await names("status.phase!=Running,spec.nodeName=node-1")).toEqual(["also-on-1"]);

    // As a kubelet lists its pods: across namespaces.
    const forNode = await k.core.listPodForAllNamespaces({ fieldSelector: "spec.nodeName=node-2" });
    expect(forNode.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toContain(`${namespace}/on-2`);
    expect(forNode.items.every((p) => p.spec?.nodeName === "node-2")).toBe(true);
  });

  it("secret field selector type", async () => {
    const namespace = await k.namespace();
    await k.core.createNamespacedSecret({ namespace, body: { metadata: { name: "plain" }, stringData: { a: "b" } } });
    await k.core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: "cert" },
        type: "kubernetes.io/tls",
        data: { "tls.crt": Buffer.from("crt").toString("base64"), "tls.key": Buffer.from("key").toString("base64") },
      },
    });
    await k.core.createNamespacedSecret({ namespace, body: { metadata: { name: "custom" }, type: "example.com/custom", stringData: { x: "y" } } });
    const names = async (fieldSelector: string) => (await k.core.listNamespacedSecret({ namespace, fieldSelector })).items.map((s) => s.metadata!.name!).sort();
    expect(await names("type=Opaque")).toEqual(["plain"]);
    expect(await names("type=kubernetes.io/tls")).toEqual(["cert"]);
    expect(await names("type!=Opaque")).toEqual(["cert", "custom"]);
    expect(await names("type=example.com/custom,metadata.name=custom")).toEqual(["custom"]);
  });

  it("node field selector metadata.name and label selectors on seeded nodes", async () => {
    const nodes = await k.core.listNode({ fieldSelector: "metadata.name=node-2" });
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(["node-2"]);
    const byLabel = await k.core.listNode({ labelSelector: "kubernetes.io/hostname=node-1" });
    expect(byLabel.items.map((n) => n.metadata?.name)).toEqual(["node-1"]);
  });
});
