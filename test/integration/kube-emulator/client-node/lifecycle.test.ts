// Deletion as a real cluster does it: finalizers and deletionTimestamp, the garbage
// collector's Background, Orphan and Foreground propagation, and namespace termination.
import { ApiException, PatchStrategy, setHeaderOptions, Watch, type V1ConfigMap } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { apiFailure, useClientNode } from "../support/client-node.js";
import { personaGrid } from "../support/clusters.js";
import { eventually } from "../support/eventually.js";

const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(personaGrid)("lifecycle on %s (tls: %s)", (version, tls) => {
  const k = useClientNode({ k8sVersion: version, tls }, "life");
  const exists = async (name: string, namespace: string): Promise<V1ConfigMap | undefined> => {
    try {
      return await k.core.readNamespacedConfigMap({ name, namespace });
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw err;
    }
  };
  const gone = (name: string, namespace: string) => eventually(`${namespace}/${name} to be deleted`, async () => ((await exists(name, namespace)) ? undefined : true));

  /** An owner ConfigMap with two dependents that name it by uid. */
  const family = async (namespace: string) => {
    const owner = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "owner" } } });
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata!.uid! };
    const other = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "other-owner" } } });
    const otherRef = { apiVersion: "v1", kind: "ConfigMap", name: "other-owner", uid: other.metadata!.uid! };
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "child", ownerReferences: [ref] } } });
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "shared-child", ownerReferences: [ref, otherRef] } } });
    return { owner, ref, otherRef };
  };

  it("delete with a finalizer sets deletionTimestamp and keeps the object; removing the finalizer deletes it", async () => {
    const namespace = await k.namespace();
    const created = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "held", finalizers: ["example.com/hold"] }, data: { a: "1" } } });
    const del = await k.core.deleteNamespacedConfigMapWithHttpInfo({ name: "held", namespace });
    expect([200, 202]).toContain(del.httpStatusCode);

    const held = await k.core.readNamespacedConfigMap({ name: "held", namespace });
    expect(held.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(held.metadata?.deletionGracePeriodSeconds).toBe(0);
    expect(held.metadata?.finalizers).toEqual(["example.com/hold"]);
    expect(held.metadata?.uid).toBe(created.metadata?.uid);
    // A second delete changes nothing and still keeps it.
    await k.core.deleteNamespacedConfigMap({ name: "held", namespace });
    const still = await k.core.readNamespacedConfigMap({ name: "held", namespace });
    expect(still.metadata?.deletionTimestamp).toEqual(held.metadata?.deletionTimestamp);

    // Updates other than finalizers are still allowed while terminating.
    await k.core.patchNamespacedConfigMap({ name: "held", namespace, body: { data: { a: "2" } } }, merge);
    expect((await k.core.readNamespacedConfigMap({ name: "held", namespace })).data).toEqual({ a: "2" });

    await k.core.patchNamespacedConfigMap({ name: "held", namespace, body: { metadata: { finalizers: null } } }, merge);
    expect(await exists("held", namespace)).toBeUndefined();
  });

  it("a delete held by a finalizer answers 200 with the object; an immediate delete answers a Success Status", async () => {
    const namespace = await k.namespace();
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } });
    const held = await k.core.deleteNamespacedConfigMapWithHttpInfo({ name: "held", namespace });
    // Real servers answer 202 only when the client sent orphanDependents=false.
    expect.soft(held.httpStatusCode).toBe(200);
    expect((await k.core.readNamespacedConfigMap({ name: "held", namespace })).metadata?.deletionTimestamp).toBeTruthy();

    const plain = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "plain" } } });
    const res = await k.core.deleteNamespacedConfigMapWithHttpInfo({ name: "plain", namespace });
    expect(res.httpStatusCode).toBe(200);
    expect(res.data).toMatchObject({ kind: "Status", apiVersion: "v1", status: "Success", details: { name: "plain", kind: "configmaps", uid: plain.metadata?.uid } });
    await k.core.patchNamespacedConfigMap({ name: "held", namespace, body: { metadata: { finalizers: null } } }, merge);
  });

  it("no new finalizers once deletion started: 422 naming metadata.finalizers", async () => {
    const namespace = await k.namespace();
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "held", finalizers: ["example.com/a"] } } });
    await k.core.deleteNamespacedConfigMap({ name: "held", namespace });
    const f = await apiFailure(k.core.patchNamespacedConfigMap({ name: "held", namespace, body: { metadata: { finalizers: ["example.com/a", "example.com/b"] } } }, merge));
    expect(f.code).toBe(422);
    expect(f.status.reason).toBe("Invalid");
    expect(f.status.message).toContain("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted");
    expect((await k.core.readNamespacedConfigMap({ name: "held", namespace })).metadata?.finalizers).toEqual(["example.com/a"]);
    await k.core.patchNamespacedConfigMap({ name: "held", namespace, body: { metadata: { finalizers: [] } } }, merge);
    await gone("held", namespace);
  });

  it("garbage collection, Background: dependents whose only owner is gone are deleted; shared ones lose the reference", async () => {
    const namespace = await k.namespace();
    const { otherRef } = await family(namespace);
    await k.core.deleteNamespacedConfigMap({ name: "owner", namespace, propagationPolicy: "Background" });
    expect(await exists("owner", namespace)).toBeUndefined();
    await gone("child", namespace);
    const shared = await eventually("shared-child to lose its reference", async () => {
      const cm = await exists("shared-child", namespace);
      return cm && cm.metadata?.ownerReferences?.length === 1 ? cm : undefined;
    });
    expect(shared.metadata?.ownerReferences?.map((r) => r.uid)).toEqual([otherRef.uid]);
  });

  it("garbage collection, default policy for a ConfigMap is Background", async () => {
    const namespace = await k.namespace();
    await family(namespace);
    await k.core.deleteNamespacedConfigMap({ name: "owner", namespace });
    await gone("child", namespace);
  });

  it("garbage collection, Orphan: dependents kept with the owner's reference stripped", async () => {
    const namespace = await k.namespace();
    const { ref, otherRef } = await family(namespace);
    await k.core.deleteNamespacedConfigMap({ name: "owner", namespace, propagationPolicy: "Orphan" });
    await gone("owner", namespace);
    const child = await eventually("child to be orphaned", async () => {
      const cm = await exists("child", namespace);
      return cm && !(cm.metadata?.ownerReferences ?? []).some((r) => r.uid === ref.uid) ? cm : undefined;
    });
    expect(child.metadata?.ownerReferences ?? []).toEqual([]);
    const shared = await k.core.readNamespacedConfigMap({ name: "shared-child", namespace });
    expect(shared.metadata?.ownerReferences?.map((r) => r.uid)).toEqual([otherRef.uid]);
    await sleep(200);
    expect(await exists("child", namespace)).toBeDefined();
  });

  it("garbage collection, Foreground: the dependent goes first, then the owner", async () => {
    const namespace = await k.namespace();
    const before = await k.core.listNamespacedConfigMap({ namespace });
    const { ref } = await family(namespace);
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "blocking-child", ownerReferences: [{ ...ref, blockOwnerDeletion: true }] } } });

    const deleted: string[] = [];
    const controller = await new Watch(k.kc).watch(
      `/api/v1/namespaces/${namespace}/configmaps`,
      { resourceVersion: before.metadata!.resourceVersion },
      (type, obj: V1ConfigMap) => {
        if (type === "DELETED") deleted.push(obj.metadata!.name!);
      },
      () => {},
    );
    try {
      await k.core.deleteNamespacedConfigMap({ name: "owner", namespace, propagationPolicy: "Foreground" });
      await gone("owner", namespace);
      await gone("child", namespace);
      await gone("blocking-child", namespace);
      await eventually("DELETED events", async () => (deleted.includes("owner") ? true : undefined));
      expect(deleted.indexOf("child")).toBeGreaterThanOrEqual(0);
      expect(deleted.indexOf("blocking-child")).toBeLessThan(deleted.indexOf("owner"));
      expect(deleted.indexOf("child")).toBeLessThan(deleted.indexOf("owner"));
      expect(deleted).not.toContain("shared-child");
      const shared = await k.core.readNamespacedConfigMap({ name: "shared-child", namespace });
      expect(shared.metadata?.ownerReferences?.map((r) => r.name)).toEqual(["other-owner"]);
    } finally {
      controller.abort();
    }
  });

  it("garbage collection, Foreground: while a dependent is held the owner waits with the foregroundDeletion finalizer", async () => {
    const namespace = await k.namespace();
    const owner = await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "owner" } } });
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata!.uid!, blockOwnerDeletion: true };
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "stuck", finalizers: ["example.com/hold"], ownerReferences: [ref] } } });
    await k.core.deleteNamespacedConfigMap({ name: "owner", namespace, propagationPolicy: "Foreground" });
    const waiting = await eventually("stuck to be deleting", async () => {
      const cm = await exists("stuck", namespace);
      return cm?.metadata?.deletionTimestamp ? cm : undefined;
    });
    expect(waiting.metadata?.finalizers).toEqual(["example.com/hold"]);
    const ownerNow = await k.core.readNamespacedConfigMap({ name: "owner", namespace });
    expect(ownerNow.metadata?.deletionTimestamp).toBeTruthy();
    expect(ownerNow.metadata?.finalizers).toContain("foregroundDeletion");

    await k.core.patchNamespacedConfigMap({ name: "stuck", namespace, body: { metadata: { finalizers: null } } }, merge);
    await gone("stuck", namespace);
    await gone("owner", namespace);
  });

  it("garbage collection across kinds: a Deployment's ConfigMap goes with it", async () => {
    const namespace = await k.namespace();
    const dep = await k.apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: "web" },
        spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
      },
    });
    await k.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: "web-config", ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: dep.metadata!.uid!, controller: true }] } },
    });
    await k.apps.deleteNamespacedDeployment({ name: "web", namespace });
    await gone("web-config", namespace);
  });

  it("namespace deletion: Terminating, creates refused with 403, contents deleted, then the namespace is gone", async () => {
    const namespace = await k.namespace();
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "plain" } } });
    await k.core.createNamespacedSecret({ namespace, body: { metadata: { name: "s" }, stringData: { a: "b" } } });
    // Held by a finalizer, so the namespace stays Terminating until we let go.
    await k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } });

    await k.core.deleteNamespace({ name: namespace });
    const terminating = await k.core.readNamespace({ name: namespace });
    expect(terminating.status?.phase).toBe("Terminating");
    expect(terminating.metadata?.deletionTimestamp).toBeInstanceOf(Date);

    const f = await apiFailure(k.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "late" } } }));
    expect(f.code).toBe(403);
    expect(f.status.reason).toBe("Forbidden");
    expect.soft(f.status.message).toBe(`configmaps "late" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);

    await gone("plain", namespace);
    await eventually("secret to be deleted", async () => ((await k.core.listNamespacedSecret({ namespace })).items.some((s) => s.metadata?.name === "s") ? undefined : true));
    const held = await k.core.readNamespacedConfigMap({ name: "held", namespace });
    expect(held.metadata?.deletionTimestamp).toBeTruthy();
    expect((await k.core.readNamespace({ name: namespace })).status?.phase).toBe("Terminating");

    await k.core.patchNamespacedConfigMap({ name: "held", namespace, body: { metadata: { finalizers: null } } }, merge);
    await eventually("namespace to be gone", async () => {
      try {
        await k.core.readNamespace({ name: namespace });
        return undefined;
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return true;
        throw err;
      }
    });
    expect((await k.core.listNamespace()).items.map((n) => n.metadata?.name)).not.toContain(namespace);
  });

  it("an empty namespace is deleted promptly", async () => {
    const namespace = await k.namespace();
    await k.core.deleteNamespace({ name: namespace });
    await eventually("namespace to be gone", async () => ((await k.core.listNamespace()).items.some((n) => n.metadata?.name === namespace) ? undefined : true));
  });
});
