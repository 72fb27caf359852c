// limit/continue pagination over a consistent snapshot, through client-node.
import { randomBytes } from "node:crypto";
import { ApiException, type V1ConfigMapList } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { useClientNode } from "../support/client-node.js";
import { personaGrid } from "../support/clusters.js";

describe.each(personaGrid)("pagination on %s (tls: %s)", (version, tls) => {
  const k = useClientNode({ k8sVersion: version, tls }, "page");
  // From 1.20 every namespace also holds the kube-root-ca.crt ConfigMap the controller manager publishes; it sorts last.
  const published = version === "1.16" ? [] : ["kube-root-ca.crt"];
  const extra = published.length;
  /** Creates cm-00 … in parallel: lists come back in key (name) order whatever the creation order. */
  const fill = async (namespace: string, count: number, labels?: (i: number) => Record<string, string>) => {
    await Promise.all(
      Array.from({ length: count }, (_, i) => count - 1 - i).map((i) =>
        k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: `cm-${String(i).padStart(2, "0")}`, labels: labels?.(i) }, data: { i: String(i) } } }),
      ),
    );
  };

  it("23 ConfigMaps in pages of 5: same set, no duplicates, remainingItemCount decreasing, one resourceVersion", async () => {
    const namespace = await k.namespace();
    await fill(namespace, 23);
    const full = await k.core.listNamespacedConfigMap({ namespace });
    expect(full.items).toHaveLength(23 + extra);
    expect(full.metadata?._continue).toBeFalsy();

    const pages: V1ConfigMapList[] = [];
    let token: string | undefined;
    do {
      const page = await k.core.listNamespacedConfigMap({ namespace, limit: 5, _continue: token });
      pages.push(page);
      token = page.metadata?._continue || undefined;
    } while (token && pages.length < 10);

    expect(pages.map((p) => p.items.length)).toEqual([5, 5, 5, 5, 3 + extra]);
    expect(pages.map((p) => p.metadata?.remainingItemCount)).toEqual([18 + extra, 13 + extra, 8 + extra, 3 + extra, undefined]);
    expect(pages.at(-1)!.metadata?._continue).toBeFalsy();
    const firstRv = pages[0]!.metadata?.resourceVersion;
    expect(firstRv).toMatch(/^\d+$/);
    for (const p of pages) expect(p.metadata?.resourceVersion).toBe(firstRv);

    const paged = pages.flatMap((p) => p.items.map((i) => i.metadata!.uid!));
    expect(new Set(paged).size).toBe(23 + extra);
    expect(paged).toEqual(full.items.map((i) => i.metadata!.uid!));
    expect(full.items.map((i) => i.metadata!.name!)).toEqual([...Array.from({ length: 23 }, (_, i) => `cm-${String(i).padStart(2, "0")}`), ...published]);
  });

  it("objects created, changed or deleted between pages do not change the snapshot", async () => {
    const namespace = await k.namespace();
    await fill(namespace, 23);
    const first = await k.core.listNamespacedConfigMap({ namespace, limit: 5 });
    const firstRv = first.metadata!.resourceVersion!;

    // Between pages: add objects (sorting before and after the rest), change one and delete one not yet seen.
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "aa-new" } } });
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "zz-new" } } });
    const later = await k.core.readNamespacedConfigMap({ name: "cm-20", namespace });
    await k.core.replaceNamespacedConfigMap({ name: "cm-20", namespace, body: { ...later, data: { i: "changed" } } });
    await k.core.deleteNamespacedConfigMap({ name: "cm-21", namespace });

    const rest: V1ConfigMapList[] = [];
    let token = first.metadata?._continue;
    while (token) {
      const page = await k.core.listNamespacedConfigMap({ namespace, limit: 5, _continue: token });
      rest.push(page);
      token = page.metadata?._continue || undefined;
    }
    for (const p of rest) expect(p.metadata?.resourceVersion).toBe(firstRv);
    const items = [...first.items, ...rest.flatMap((p) => p.items)];
    const names = items.map((i) => i.metadata!.name!).filter((n) => !published.includes(n));
    expect(names).toHaveLength(23);
    expect(names).not.toContain("aa-new");
    expect(names).not.toContain("zz-new");
    expect(names).toContain("cm-21");
    expect(items.find((i) => i.metadata?.name === "cm-20")!.data).toEqual({ i: "20" });
    expect(new Set(names).size).toBe(23);

    // A fresh list sees the current state.
    const now = await k.core.listNamespacedConfigMap({ namespace });
    expect(now.items.map((i) => i.metadata!.name!)).toEqual(expect.arrayContaining(["aa-new", "zz-new"]));
    expect(now.items.map((i) => i.metadata!.name!)).not.toContain("cm-21");
    expect(Number(now.metadata!.resourceVersion)).toBeGreaterThan(Number(firstRv));
  });

  it("pages with a label selector are filled to the limit and carry no remainingItemCount", async () => {
    const namespace = await k.namespace();
    await fill(namespace, 20, (i) => ({ parity: i % 2 === 0 ? "even" : "odd" }));
    const pages: V1ConfigMapList[] = [];
    let token: string | undefined;
    do {
      const page = await k.core.listNamespacedConfigMap({ namespace, limit: 3, labelSelector: "parity=even", _continue: token });
      pages.push(page);
      token = page.metadata?._continue || undefined;
    } while (token && pages.length < 10);
    const items = pages.flatMap((p) => p.items);
    expect(items.map((i) => i.metadata?.name)).toEqual(Array.from({ length: 10 }, (_, i) => `cm-${String(i * 2).padStart(2, "0")}`));
    expect(pages.slice(0, -1).every((p) => p.items.length === 3)).toBe(true);
    for (const p of pages) expect(p.metadata?.remainingItemCount).toBeUndefined();
  });

  it("paginates across all namespaces", async () => {
    const ns1 = await k.namespace();
    const ns2 = await k.namespace();
    const marker = `m${randomBytes(3).toString("hex")}`;
    await fill(ns1, 4, () => ({ marker }));
    await fill(ns2, 4, () => ({ marker }));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await k.core.listConfigMapForAllNamespaces({ limit: 3, labelSelector: `marker=${marker}`, _continue: token });
      seen.push(...page.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`));
      token = page.metadata?._continue || undefined;
    } while (token);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });

  it("a garbage continue token is 400 BadRequest", async () => {
    const namespace = await k.namespace();
    await fill(namespace, 3);
    for (const token of ["garbage", "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTF9", "%%%"]) {
      try {
        await k.core.listNamespacedConfigMap({ namespace, limit: 2, _continue: token });
        expect.fail(`continue=${token} was accepted`);
      } catch (err) {
        expect(err).toBeInstanceOf(ApiException);
        const e = err as ApiException<string>;
        expect(e.code).toBe(400);
        const status = JSON.parse(e.body);
        expect(status).toMatchObject({ kind: "Status", reason: "BadRequest", code: 400 });
        expect(status.message).toMatch(/continue/);
      }
    }
  });

  it("limit larger than the collection returns everything without a continue token", async () => {
    const namespace = await k.namespace();
    await fill(namespace, 4);
    const page = await k.core.listNamespacedConfigMap({ namespace, limit: 500 });
    expect(page.items).toHaveLength(4 + extra);
    expect(page.metadata?._continue).toBeFalsy();
    expect(page.metadata?.remainingItemCount).toBeUndefined();
  });
});
