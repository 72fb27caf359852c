import type { JsonObject, KubeObject } from "../../api-types.js";
import { podFromTemplate } from "./owner-refs.js";

/** JobTrackingWithFinalizers (GA in 1.26): a Job's pods carry it until the Job has counted them. */
export const jobTrackingFinalizer = "batch.kubernetes.io/job-tracking";
/** Indexed Jobs: the annotation (1.21+) and, from 1.28, the label holding a pod's completion index. */
export const completionIndexKey = "batch.kubernetes.io/job-completion-index";

export function jobSpec(job: KubeObject): JsonObject {
  return (job.spec as JsonObject | undefined) ?? {};
}

export function isIndexed(job: KubeObject): boolean {
  return jobSpec(job).completionMode === "Indexed";
}

/** getCompletionIndex: the pod's index, or undefined when absent or not a number. */
export function completionIndexOf(pod: KubeObject): number | undefined {
  const raw = pod.metadata.annotations?.[completionIndexKey];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * A pod for the Job (manageJob's pod template): generateName `<job>-`, or `<job>-<index>-`
 * with the index annotation, label, hostname and JOB_COMPLETION_INDEX for Indexed Jobs,
 * and the tracking finalizer from 1.26.
 */
export function newJobPod(job: KubeObject, index: number | undefined, minor: number): KubeObject {
  const template = (jobSpec(job).template as JsonObject | undefined) ?? {};
  const name = job.metadata.name ?? "";
  const pod = podFromTemplate(template, job, { generateName: index === undefined ? `${name}-` : `${name}-${index}-` });
  if (minor >= 26) pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), jobTrackingFinalizer];
  if (index === undefined) return pod;
  pod.metadata.annotations = { ...pod.metadata.annotations, [completionIndexKey]: String(index) };
  if (minor >= 28) pod.metadata.labels = { ...pod.metadata.labels, [completionIndexKey]: String(index) };
  const spec = (pod.spec as JsonObject | undefined) ?? {};
  const env = { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${completionIndexKey}']` } } };
  const withIndexEnv = (containers: unknown): JsonObject[] | undefined =>
    Array.isArray(containers)
      ? (containers as JsonObject[]).map((c) => {
          const current = Array.isArray(c.env) ? (c.env as JsonObject[]) : [];
          return current.some((e) => e.name === env.name) ? c : { ...c, env: [...current, env] };
        })
      : undefined;
  const next: JsonObject = { ...spec, hostname: `${name}-${index}` };
  const containers = withIndexEnv(spec.containers);
  const initContainers = withIndexEnv(spec.initContainers);
  if (containers) next.containers = containers;
  if (initContainers) next.initContainers = initContainers;
  pod.spec = next;
  return pod;
}

/**
 * The compressed interval list Indexed Jobs keep in status.completedIndexes ("1,3-5,7"),
 * from a set of indexes.
 */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The indexes of a completedIndexes string; parts that do not parse are skipped, as upstream does. */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? "").split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let i = from; i <= to && i < completions; i++) out.add(i);
  }
  return out;
}

/** When a pod ended or, failing a container's finishedAt, when it was seen to end. */
export function finishTime(pod: KubeObject): number {
  const status = (pod.status as JsonObject | undefined) ?? {};
  let latest = 0;
  for (const field of ["containerStatuses", "initContainerStatuses"]) {
    const list = Array.isArray(status[field]) ? (status[field] as JsonObject[]) : [];
    for (const cs of list) {
      const at = Date.parse(String(((cs.state as JsonObject | undefined)?.terminated as JsonObject | undefined)?.finishedAt ?? ""));
      if (Number.isFinite(at)) latest = Math.max(latest, at);
    }
  }
  if (latest > 0) return latest;
  const deleted = Date.parse(String(pod.metadata.deletionTimestamp ?? ""));
  return Number.isFinite(deleted) ? deleted : Date.now();
}

/** Container restarts of a pod (pastBackoffLimitOnFailure sums them for restartPolicy OnFailure). */
export function restartCount(pod: KubeObject): number {
  const status = (pod.status as JsonObject | undefined) ?? {};
  let total = 0;
  for (const field of ["containerStatuses", "initContainerStatuses"]) {
    const list = Array.isArray(status[field]) ? (status[field] as JsonObject[]) : [];
    for (const cs of list) total += typeof cs.restartCount === "number" ? cs.restartCount : 0;
  }
  return total;
}
