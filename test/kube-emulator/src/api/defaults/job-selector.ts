import type { JsonObject, KubeObject } from "../../api-types.js";
import { defaultJobLabels } from "./workloads.js";

/**
 * The Job registry strategy's generateSelector (pkg/registry/batch/job/strategy.go): unless
 * spec.manualSelector is true, the template gets `controller-uid` and `job-name` labels (and,
 * from 1.27, their `batch.kubernetes.io/` twins) and the selector matches the uid label.
 * Upstream does it during validation because it needs the new object's uid, so it runs
 * after the uid is minted.
 */
export function generateJobSelector(job: KubeObject, minor: number): KubeObject {
  const spec = (job.spec as JsonObject | undefined) ?? {};
  if (spec.manualSelector === true) return job;
  const uid = job.metadata.uid ?? "";
  const name = job.metadata.name ?? "";
  const template = (spec.template as JsonObject | undefined) ?? {};
  const meta = (template.metadata as JsonObject | undefined) ?? {};
  const labels = { ...((meta.labels as Record<string, string> | undefined) ?? {}) };
  const nameKeys = minor >= 27 ? ["job-name", "batch.kubernetes.io/job-name"] : ["job-name"];
  const uidKeys = minor >= 27 ? ["controller-uid", "batch.kubernetes.io/controller-uid"] : ["controller-uid"];
  // A label the user set stays; a conflict with the selector is validation's to reject.
  for (const key of nameKeys) labels[key] ??= name;
  for (const key of uidKeys) labels[key] ??= uid;
  const selector = (spec.selector as JsonObject | undefined) ?? {};
  const matchLabels = { ...((selector.matchLabels as Record<string, string> | undefined) ?? {}) };
  const selectorKey = minor >= 27 ? "batch.kubernetes.io/controller-uid" : "controller-uid";
  matchLabels[selectorKey] ??= uid;
  const selected: KubeObject = {
    ...job,
    spec: { ...spec, selector: { ...selector, matchLabels }, template: { ...template, metadata: { ...meta, labels } } },
  };
  // A Job created without labels reads back with its template's, generated ones included:
  // SetDefaults_Job runs again whenever the stored object is decoded.
  return defaultJobLabels(selected);
}
