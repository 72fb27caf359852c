// `lifeboat restore describe`: one restore as people read it, from its record and summary.
import { ClusterResourcePolicySchema, ExistingResourcePolicySchema, RestorePhase, RestorePhaseSchema, type Restore, type RestoreItemResult, type RestoreSpec } from "@lifeboat/proto";
import { enumName } from "../arguments.js";
import { formatMessage } from "../backup/describe-backup.js";
import { formatHook, indent, renderCounts, renderList } from "../catalog/describe-sections.js";
import { formatLabels, renderFields, type Column } from "../output.js";
import { formatTime } from "../message-output.js";
import { volumeProgressText } from "../catalog/volume-progress.js";
import { renderVolumeRestores, volumeRestoreCounts } from "./describe-restore-volumes.js";

export interface DescribeRestoreOptions {
  /** Every failure, message and dry-run item instead of the first few. */
  details?: boolean;
}

export const RESTORE_COLUMNS: Column<Restore>[] = [
  { header: "id", value: (r) => r.id },
  { header: "backup", value: (r) => r.spec?.backupId ?? "" },
  { header: "from", value: (r) => r.sourceClusterName || r.sourceClusterId },
  { header: "to", value: (r) => r.clusterName || r.clusterId },
  { header: "phase", value: (r) => enumName(RestorePhaseSchema, r.phase) },
  { header: "items", value: (r) => restoreItems(r) },
  { header: "created", value: (r) => formatTime(r.createTime) },
];

/** `12 (10 created, 1 updated, 1 skipped, 0 failed)`, or how far a running restore has got. */
function restoreItems(r: Restore): string {
  if (r.summary) return counts(r);
  if (r.progress && (r.progress.itemsDone > 0n || r.progress.itemsTotal > 0n)) return `${r.progress.itemsDone}/${r.progress.itemsTotal}`;
  return "";
}

function counts(r: Restore): string {
  const s = r.summary!;
  return `${s.items} (${s.created} created, ${s.updated} updated, ${s.skipped} skipped, ${s.failed} failed)`;
}

function clusterText(name: string, id: string): string {
  return name && name !== id ? `${name} (${id})` : id;
}

/** Fields for the restore's record: what into where, what state, when. */
export function restoreFields(r: Restore): [string, string][] {
  const fields: [string, string][] = [
    ["id", r.id],
    ["phase", enumName(RestorePhaseSchema, r.phase)],
    ["backup", r.spec?.backupId ?? ""],
    ["from → to", `${clusterText(r.sourceClusterName, r.sourceClusterId)} → ${clusterText(r.clusterName, r.clusterId)}`],
    ["repository", r.repository],
  ];
  if (r.validationErrors.length > 0) fields.push(["validation errors", r.validationErrors.join("; ")]);
  if (r.failureReason) fields.push(["failure reason", r.failureReason]);
  if (r.progress && r.phase === RestorePhase.IN_PROGRESS) {
    const p = r.progress;
    const volumes = p.volumesTotal > 0n ? `; ${volumeProgressText(p)}` : "";
    fields.push(["progress", `${p.stage} ${p.itemsDone}/${p.itemsTotal} items${volumes} (at ${formatTime(p.updateTime)})`]);
  }
  if (r.summary) fields.push(["items", counts(r)]);
  if (r.summary && r.summary.volumes.length > 0) fields.push(["volumes", volumeRestoreCounts(r.summary.volumes)]);
  fields.push(
    ["labels", formatLabels(r.labels)],
    ["kubernetes", r.kubernetesVersion],
    ["task", r.taskId],
    ["created", formatTime(r.createTime)],
    ["started", formatTime(r.startTime)],
    ["completed", formatTime(r.completionTime)],
  );
  return fields;
}

function formatMapping(mapping: Record<string, string>): string {
  return Object.entries(mapping)
    .map(([from, to]) => `${from}→${to}`)
    .join(", ");
}

/** The spec in a few `field: value` lines, leaving out what is at its default. */
export function restoreSpecFields(spec: RestoreSpec | undefined): [string, string][] {
  if (!spec) return [];
  const include = (items: string[], excluded: string[]) => `${items.length > 0 ? items.join(",") : "*"}${excluded.length > 0 ? ` (not ${excluded.join(",")})` : ""}`;
  const fields: [string, string][] = [
    ["namespaces", include(spec.includedNamespaces, spec.excludedNamespaces)],
    ["resources", include(spec.includedResources, spec.excludedResources)],
    ["cluster resources", enumName(ClusterResourcePolicySchema, spec.includeClusterResources) || "AUTO"],
    ["existing resources", enumName(ExistingResourcePolicySchema, spec.existingResourcePolicy) || "SKIP"],
  ];
  if (spec.labelSelector) fields.push(["label selector", spec.labelSelector]);
  const mappings: [string, Record<string, string>][] = [
    ["namespace mapping", spec.namespaceMapping],
    ["storage class mapping", spec.storageClassMapping],
    ["image registry mapping", spec.imageRegistryMapping],
    ["pv source mapping", spec.pvSourceMapping],
  ];
  for (const [name, mapping] of mappings) if (Object.keys(mapping).length > 0) fields.push([name, formatMapping(mapping)]);
  if (spec.preserveNodePorts) fields.push(["node ports", "preserved"]);
  if (spec.resourceModifiers) fields.push(["resource modifiers", `${spec.resourceModifiers.split("\n").length} lines`]);
  if (spec.hooks.length > 0) fields.push(["hooks", spec.hooks.map((h) => h.name || "(unnamed)").join(", ")]);
  if (spec.skipVolumeData) fields.push(["volume data", "skipped: claims are restored empty"]);
  if (spec.dryRun) fields.push(["dry run", "yes: nothing is applied"]);
  return fields;
}

/** The restore as sections: fields, spec, counts per resource and namespace, conversions, failures, messages, hooks. */
export function renderRestoreDescription(restore: Restore, options: DescribeRestoreOptions = {}): string {
  const details = options.details === true;
  const spec = restoreSpecFields(restore.spec);
  const sections = [renderFields(restoreFields(restore)), spec.length === 0 ? "" : `Spec:\n${indent(renderFields(spec))}`];
  const s = restore.summary;
  if (s) {
    sections.push(renderCounts("Items per resource", "resource", s.itemsPerResource));
    sections.push(renderCounts("Items per namespace", "namespace", s.itemsPerNamespace, "(cluster-scoped)"));
    sections.push(renderCounts("Conversions", "conversion", s.conversions));
    sections.push(renderVolumeRestores(s.volumes));
    sections.push(renderList(`Failures (${s.failures.length}):`, s.failures.map((f) => `  ${formatFailure(f)}`), details));
    sections.push(renderList(`Warnings (${s.warnings.length}):`, s.warnings.map((m) => `  ${formatMessage(m)}`), details));
    sections.push(renderList(`Errors (${s.errors.length}):`, s.errors.map((m) => `  ${formatMessage(m)}`), details));
    sections.push(renderList(`Hooks (${s.hooks.length}):`, s.hooks.map((h) => `  ${formatHook(h)}`), details));
    sections.push(renderList(`Dry run: ${s.dryRunItems.length} items would be restored`, s.dryRunItems.map((item) => `  ${item}`), details));
  }
  return sections.filter((section) => section !== "").join("\n");
}

/** `deployments.apps shop/web: the reason`. */
export function formatFailure(f: RestoreItemResult): string {
  const where = [f.namespace, f.name].filter((part) => part !== "").join("/");
  const subject = [f.resource, where].filter((part) => part !== "").join(" ");
  return `${subject}: ${f.message || "failed"}`;
}
