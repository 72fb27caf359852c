import { ApiException } from "@kubernetes/client-node";
import { LifeboatError } from "@lifeboat/shared";
import { describe, expect, it } from "vitest";
import { toKubeError } from "../../kube/index.js";
import { RESTORE_LABEL, SkipItem, type KubeObject, type PlannedItem } from "../types.js";
import { applyItem, type ItemContext } from "./apply-item.js";
import type { ApiWriter, ObjectRef } from "./api-writer.js";
import { RestoredOwners } from "./owners.js";
import { plannedItem } from "./planned-item.test-support.js";

/** An answer of the API server, as api-writer turns it into an error. */
function answer(code: number, reason: string, message: string): unknown {
  const err = toKubeError(new ApiException(code, `HTTP ${code}`, JSON.stringify({ kind: "Status", reason, message, code }), {}), "creating it");
  if (reason !== "AlreadyExists") return err;
  return new LifeboatError("ALREADY_EXISTS", (err as Error).message, { cause: (err as Error).cause });
}

/** Our ApiWriter over a map, with a queue of failures to answer first. */
class FakeWriter implements ApiWriter {
  readonly objects = new Map<string, KubeObject>();
  readonly calls: string[] = [];
  failures: unknown[] = [];
  private uids = 0;

  async create(ref: ObjectRef, body: KubeObject): Promise<KubeObject> {
    this.calls.push(`create ${ref.name}`);
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (this.objects.has(key(ref))) throw answer(409, "AlreadyExists", `configmaps "${ref.name}" already exists`);
    const stored = { ...body, metadata: { ...body.metadata, uid: `uid-${++this.uids}`, resourceVersion: "1" } };
    this.objects.set(key(ref), stored);
    return stored;
  }
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    this.calls.push(`get ${ref.name}`);
    return this.objects.get(key(ref));
  }
  async mergePatch(ref: ObjectRef, patch: object): Promise<KubeObject> {
    this.calls.push(`patch ${ref.name}`);
    const current = this.objects.get(key(ref))!;
    const { metadata, ...rest } = patch as KubeObject;
    const next = { ...current, ...rest, metadata: { ...current.metadata, labels: { ...current.metadata.labels, ...metadata.labels } } };
    const changed = JSON.stringify(next) !== JSON.stringify(current);
    const stored = changed ? { ...next, metadata: { ...next.metadata, resourceVersion: String(Number(current.metadata.resourceVersion) + 1) } } : current;
    this.objects.set(key(ref), stored);
    return stored;
  }
  async delete(ref: ObjectRef): Promise<boolean> {
    this.calls.push(`delete ${ref.name}`);
    return this.objects.delete(key(ref));
  }
}

const key = (ref: ObjectRef) => `${ref.to.resource}/${ref.namespace}/${ref.name}`;

const settings = plannedItem("configmaps", "settings", { namespace: "shop", kind: "ConfigMap" });
const settingsJson = (data: Record<string, string> = { mode: "fast" }): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shop" }, data });

function contextWith(writer: FakeWriter, overrides: Partial<ItemContext> = {}): ItemContext {
  return {
    writer,
    policy: "skip",
    restoreId: "r-1",
    retry: { attempts: 3, minDelayMs: 1 },
    owners: new RestoredOwners(),
    unusableCrds: new Map(),
    load: async () => settingsJson(),
    ...overrides,
  };
}

function existing(writer: FakeWriter, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): void {
  writer.objects.set("configmaps/shop/settings", { ...settingsJson({ mode: "slow" }), metadata: { name: "settings", namespace: "shop", uid: "old-uid", resourceVersion: "7", labels, ...extra } });
}

describe("applyItem", () => {
  it("creates the object, labelled with the restore, in the planned namespace and name", async () => {
    const writer = new FakeWriter();
    const mapped: PlannedItem = { ...settings, namespace: "shop-copy" };
    const result = await applyItem(mapped, contextWith(writer));
    expect(result).toMatchObject({ outcome: "created", uid: "uid-1" });
    const stored = writer.objects.get("configmaps/shop-copy/settings")!;
    expect(stored.metadata).toMatchObject({ namespace: "shop-copy", labels: { [RESTORE_LABEL]: "r-1" } });
  });

  it("skips an existing object when the policy is skip, and leaves it untouched", async () => {
    const writer = new FakeWriter();
    existing(writer);
    const result = await applyItem(settings, contextWith(writer));
    expect(result).toMatchObject({ outcome: "skipped", message: "already exists", uid: "old-uid" });
    expect(writer.calls).toEqual(["create settings", "get settings"]);
    expect(writer.objects.get("configmaps/shop/settings")!.data).toEqual({ mode: "slow" });
  });

  it("merge-patches an existing object when the policy is update", async () => {
    const writer = new FakeWriter();
    existing(writer);
    const result = await applyItem(settings, contextWith(writer, { policy: "update" }));
    expect(result).toMatchObject({ outcome: "updated", uid: "old-uid" });
    expect(writer.objects.get("configmaps/shop/settings")!.data).toEqual({ mode: "fast" });
  });

  it("calls an update that changes nothing but the restore label skipped", async () => {
    const writer = new FakeWriter();
    existing(writer, { [RESTORE_LABEL]: "an-older-restore" });
    const result = await applyItem(settings, contextWith(writer, { policy: "update", load: async () => settingsJson({ mode: "slow" }) }));
    expect(result).toMatchObject({ outcome: "skipped", message: "already exists and matches the backup" });
  });

  it("counts an object an earlier attempt of the same restore created as created", async () => {
    const writer = new FakeWriter();
    existing(writer, { [RESTORE_LABEL]: "r-1" });
    expect(await applyItem(settings, contextWith(writer, { policy: "update" }))).toMatchObject({ outcome: "created", uid: "old-uid" });
    expect(writer.calls).not.toContain("patch settings");
  });

  it("fails an item whose object exists and is being deleted", async () => {
    const writer = new FakeWriter();
    existing(writer, {}, { deletionTimestamp: "2026-01-01T00:00:00Z" });
    const result = await applyItem(settings, contextWith(writer));
    expect(result.outcome).toBe("failed");
    expect(result.message).toContain("is being deleted");
  });

  it("fails an item whose load throws, with the error's message, and skips one whose load throws SkipItem", async () => {
    const writer = new FakeWriter();
    const broken = await applyItem(settings, contextWith(writer, { load: async () => Promise.reject(new Error("no conversion from batch/v2alpha1")) }));
    expect(broken).toMatchObject({ outcome: "failed", message: "no conversion from batch/v2alpha1" });
    const token = await applyItem(settings, contextWith(writer, { load: async () => Promise.reject(new SkipItem("a service-account token")) }));
    expect(token).toMatchObject({ outcome: "skipped", message: "a service-account token" });
    expect(writer.calls).toEqual([]);
  });

  it("retries 500s and conflicts, then creates", async () => {
    const writer = new FakeWriter();
    writer.failures = [answer(500, "InternalError", "etcd is busy"), answer(409, "Conflict", "try again")];
    expect(await applyItem(settings, contextWith(writer))).toMatchObject({ outcome: "created" });
    expect(writer.calls).toEqual(["create settings", "create settings", "create settings"]);
  });

  it("fails the item with the server's reason once the retries are spent", async () => {
    const writer = new FakeWriter();
    writer.failures = [1, 2, 3].map(() => answer(500, "InternalError", "etcd is busy"));
    const result = await applyItem(settings, contextWith(writer));
    expect(result.outcome).toBe("failed");
    expect(result.message).toContain("500: etcd is busy");
    expect(writer.calls).toHaveLength(3);
  });

  it("does not retry what the server refuses", async () => {
    const writer = new FakeWriter();
    writer.failures = [answer(422, "Invalid", 'ConfigMap "settings" is invalid: data[bad key]: Invalid value')];
    const result = await applyItem(settings, contextWith(writer));
    expect(result).toMatchObject({ outcome: "failed" });
    expect(result.message).toContain("is invalid: data[bad key]");
    expect(writer.calls).toHaveLength(1);
  });

  it("throws, rather than failing the item, when the API server never answers", async () => {
    const writer = new FakeWriter();
    writer.failures = [1, 2, 3].map(() => toKubeError(new Error("connect ECONNREFUSED 127.0.0.1:1"), "creating it"));
    await expect(applyItem(settings, contextWith(writer))).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });

  it("throws the signal's reason once the restore is aborted", async () => {
    const controller = new AbortController();
    const reason = new LifeboatError("FAILED_PRECONDITION", "restore cancelled");
    controller.abort(reason);
    const writer = new FakeWriter();
    await expect(applyItem(settings, contextWith(writer, { signal: controller.signal }))).rejects.toBe(reason);
  });

  it("fails a custom resource whose CRD is not usable, without writing", async () => {
    const writer = new FakeWriter();
    const widget = plannedItem("widgets", "w1", { group: "example.com", kind: "Widget", namespace: "shop" });
    const unusableCrds = new Map([["widgets.example.com", "its CustomResourceDefinition widgets.example.com was not Established within 30 s"]]);
    expect(await applyItem(widget, contextWith(writer, { unusableCrds }))).toMatchObject({ outcome: "failed", message: unusableCrds.get("widgets.example.com") });
    expect(writer.calls).toEqual([]);
  });
});
