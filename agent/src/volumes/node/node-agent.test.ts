// The poll loop with a small fake of the API calls: what it takes, how many at once, and that a
// copy it runs is never taken twice. Copies and repositories are covered against real parts in
// test/integration/agent/volumes/node-agent.test.ts.
import { create, toJsonString } from "@bufbuild/protobuf";
import { RepositoryAccessSchema } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NODE_LABEL, REPOSITORY_SECRET_KEY, type VolumeBackupObject } from "../contract.js";
import type { KubeObjects, ResourceRef } from "../kube-objects.js";
import { startNodeAgent, type RunningNodeAgent } from "./node-agent.js";

/** Objects by resource/name in one namespace; merge patches as RFC 7386 says (null deletes). */
class FakeObjects implements KubeObjects {
  readonly objects = new Map<string, Record<string, any>>();
  patches: Array<{ name: string; patch: any }> = [];

  put(resource: string, object: Record<string, any>): void {
    this.objects.set(`${resource}/${object.metadata.name}`, structuredClone(object));
  }
  status(name: string): Record<string, any> | undefined {
    return this.objects.get(`volumebackups/${name}`)?.status;
  }
  async get<T>(ref: ResourceRef, _namespace: string, name: string): Promise<T | undefined> {
    return structuredClone(this.objects.get(`${ref.resource}/${name}`)) as T | undefined;
  }
  async list<T>(ref: ResourceRef, _namespace: string, labelSelector?: string): Promise<T[]> {
    const [key, value] = (labelSelector ?? "=").split("=");
    return [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(`${ref.resource}/`) && (!key || o.metadata.labels?.[key] === value))
      .map(([, o]) => structuredClone(o) as T);
  }
  async create<T>(): Promise<T> {
    throw new Error("not used");
  }
  async mergePatch<T>(ref: ResourceRef, _namespace: string, name: string, patch: object): Promise<T> {
    const key = `${ref.resource}/${name}`;
    const current = this.objects.get(key);
    if (!current) throw new LifeboatError("NOT_FOUND", `${key} not found`);
    this.patches.push({ name, patch: structuredClone(patch) });
    const merged = mergePatch(current, patch);
    this.objects.set(key, merged);
    return structuredClone(merged) as T;
  }
  async delete(): Promise<boolean> {
    return false;
  }
}

function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out = target !== null && typeof target === "object" && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const access = create(RepositoryAccessSchema, { name: "main", url: "file:///nowhere", credentials: { password: "pw" } });

function backupObject(name: string, uid: string, status?: VolumeBackupObject["status"]): VolumeBackupObject {
  return {
    apiVersion: "data.lifeboat.io/v1alpha1",
    kind: "VolumeBackup",
    metadata: { name, namespace: "lifeboat-system", labels: { [NODE_LABEL]: "n1" }, creationTimestamp: `2026-01-01T00:00:0${name.slice(-1)}Z` },
    spec: { node: "n1", pod: { namespace: "shop", name: `pod-${uid}`, uid }, volume: "data", dirName: "pv", backupId: "b", repositorySecret: "repo" },
    ...(status ? { status } : {}),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("startNodeAgent", () => {
  let kubelet: string;
  let kube: FakeObjects;
  let agent: RunningNodeAgent | undefined;
  /** Opening the repository waits here, so copies stay under way until the test lets them fail. */
  let opened: Array<(err: Error) => void>;
  let over: boolean;

  beforeEach(async () => {
    kubelet = await mkdtemp(join(tmpdir(), "lifeboat-node-agent-unit-"));
    for (const uid of ["u1", "u2", "u3"]) await mkdir(join(kubelet, "pods", uid, "volumes", "kubernetes.io~csi", "pv", "mount"), { recursive: true });
    kube = new FakeObjects();
    kube.put("secrets", { metadata: { name: "repo" }, data: { [REPOSITORY_SECRET_KEY]: Buffer.from(toJsonString(RepositoryAccessSchema, access)).toString("base64") } });
    opened = [];
    over = false;
  });

  afterEach(async () => {
    over = true;
    for (const fail of opened) fail(new Error("test over"));
    await agent?.stop();
    agent = undefined;
    await rm(kubelet, { recursive: true, force: true });
  });

  const start = () =>
    startNodeAgent({
      kube: undefined as never,
      objects: kube,
      nodeName: "n1",
      kubeletRoot: kubelet,
      logger: pino({ level: "silent" }),
      concurrency: 2,
      pollMs: 10,
      openRepository: () => (over ? Promise.reject(new Error("test over")) : new Promise((_, reject) => opened.push(reject))),
    });

  it("runs at most `concurrency` copies, oldest first, and never takes its own copy again", async () => {
    // Listed newest first: the agent sorts by creation time.
    for (const [i, uid] of [...["u1", "u2", "u3"].entries()].reverse()) kube.put("volumebackups", backupObject(`b${i + 1}`, uid));
    agent = await start();
    await until(() => opened.length === 2, "two copies to open the repository");
    await new Promise((resolve) => setTimeout(resolve, 100)); // many polls
    expect(opened).toHaveLength(2);
    expect([kube.status("b1")?.phase, kube.status("b2")?.phase, kube.status("b3")?.phase]).toEqual(["InProgress", "InProgress", undefined]);
    expect(kube.patches.filter((p) => p.patch.status?.phase === "InProgress")).toHaveLength(2);

    opened.shift()!(new Error("disk on fire"));
    await until(() => kube.status("b3")?.phase === "InProgress", "the third copy to start");
    // b1 and b2 open concurrently: either may have been the one that failed.
    const failed = ["b1", "b2"].map((name) => kube.status(name)).filter((status) => status?.phase === "Failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.message).toMatch(/^backup of pod shop\/pod-u[12] volume data \(pv\) on node n1 failed: disk on fire$/);
  });

  it("takes over a copy another process left InProgress, and gives one up after MAX_ATTEMPTS", async () => {
    kube.put("volumebackups", backupObject("b1", "u1", { phase: "InProgress", nodeAgent: "n1-dead", attempt: 1 }));
    kube.put("volumebackups", backupObject("b2", "u2", { phase: "InProgress", nodeAgent: "n1-dead", attempt: 3 }));
    agent = await start();
    await until(() => kube.status("b1")?.attempt === 2 && kube.status("b2")?.phase === "Failed", "both decisions");
    expect(kube.status("b1")).toMatchObject({ phase: "InProgress", nodeAgent: agent.id, attempt: 2 });
    expect(kube.status("b2")?.message).toContain("interrupted 3 times");
  });

  it("hands its copies back when stopped", async () => {
    kube.put("volumebackups", backupObject("b1", "u1"));
    agent = await start();
    await until(() => opened.length === 1, "the copy to open the repository");
    const stopping = agent.stop();
    // The opener ignores the signal: the copy ends when the repository open does.
    opened.shift()!(new Error("aborted"));
    await stopping;
    expect(kube.status("b1")).toEqual({ phase: "", attempt: 1 });
  });
});
