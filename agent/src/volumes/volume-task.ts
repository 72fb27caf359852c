// One copy handed to a node agent: the VolumeBackup or VolumeRestore object is written, then
// watched until the node agent marks it Completed or Failed. An object left by an earlier attempt
// of the same task is reused when it completed (its data is in the repository already) or is
// still being copied, and replaced when it failed.
import { LifeboatError } from "@lifeboat/shared";
import { NODE_LABEL, VOLUME_RESOURCES, type VolumeObject, type VolumeProgress, type VolumeTaskStatus } from "./contract.js";
import type { KubeObjects } from "./kube-objects.js";

export interface VolumeTaskOptions {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** How long the copy may go without a word from its node agent before it fails. */
  stallTimeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal;
  onProgress?(progress: VolumeProgress): void;
}

export type VolumeKind = keyof typeof VOLUME_RESOURCES;

/** Runs the copy and returns its result; throws with the node agent's reason when it failed. */
export async function runVolumeTask<Spec extends { node: string }, Result>(kube: KubeObjects, kind: VolumeKind, spec: Spec, options: VolumeTaskOptions): Promise<{ result: Result; attempt: number }> {
  const ref = VOLUME_RESOURCES[kind];
  const { namespace, name, signal } = options;
  const existing = await kube.get<VolumeObject<Spec, Result>>(ref, namespace, name, signal);
  if (existing?.status?.phase === "Failed") await kube.delete(ref, namespace, name, signal);
  if (!existing || existing.status?.phase === "Failed") {
    const body = {
      apiVersion: `${ref.group}/${ref.version}`,
      kind: ref.kind,
      metadata: { name, namespace, labels: { ...options.labels, [NODE_LABEL]: spec.node } },
      spec,
    };
    await createReplacing(kube, ref, namespace, body, signal);
  }
  return waitForVolumeTask<Result>(kube, kind, options);
}

/** Deletes the copy objects of one backup or restore (`selector` names it) once their results are taken. */
export async function deleteVolumeTasks(kube: KubeObjects, kind: VolumeKind, namespace: string, selector: string): Promise<void> {
  const ref = VOLUME_RESOURCES[kind];
  const tasks = await kube.list<{ metadata: { name: string } }>(ref, namespace, selector).catch(() => []);
  await Promise.all(tasks.map((t) => kube.delete(ref, namespace, t.metadata.name).catch(() => false)));
}

async function createReplacing(kube: KubeObjects, ref: (typeof VOLUME_RESOURCES)[VolumeKind], namespace: string, body: object, signal?: AbortSignal): Promise<void> {
  // A deleted object may linger a moment (finalizers); try again until its name is free.
  for (let attempt = 0; ; attempt++) {
    try {
      await kube.create(ref, namespace, body, signal);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== "ALREADY_EXISTS" || attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function waitForVolumeTask<Result>(kube: KubeObjects, kind: VolumeKind, options: VolumeTaskOptions): Promise<{ result: Result; attempt: number }> {
  const ref = VOLUME_RESOURCES[kind];
  const { namespace, name, signal } = options;
  let lastWord = Date.now();
  let lastSeen = "";
  for (;;) {
    signal?.throwIfAborted();
    const current = await kube.get<VolumeObject<unknown, Result>>(ref, namespace, name, signal);
    if (!current) throw new LifeboatError("UNAVAILABLE", `${ref.kind} ${namespace}/${name} was deleted before its copy ended`);
    const status: VolumeTaskStatus<Result> = current.status ?? {};
    if (status.phase === "Completed" && status.result) return { result: status.result, attempt: status.attempt ?? 1 };
    if (status.phase === "Failed") throw new LifeboatError("INTERNAL", status.message || `${ref.kind} ${name} failed without a reason`);
    const seen = JSON.stringify([status.phase, status.attempt, status.progress?.updateTime]);
    if (seen !== lastSeen) {
      lastSeen = seen;
      lastWord = Date.now();
      if (status.progress) options.onProgress?.(status.progress);
    } else if (Date.now() - lastWord > options.stallTimeoutMs) {
      const node = current.metadata.labels?.[NODE_LABEL] ?? "?";
      const what = status.phase ? "reported no progress" : "was not picked up";
      throw new LifeboatError("UNAVAILABLE", `${ref.kind} ${name} ${what} for ${Math.round(options.stallTimeoutMs / 1000)} s: is the node agent of node ${node} running?`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 300));
  }
}
