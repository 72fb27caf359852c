// `lifeboat backup describe`: one backup as people read it, from its catalog record and summary.
import { durationMs, type Duration } from "@bufbuild/protobuf/wkt";
import {
  BackupModeSchema,
  BackupPhase,
  BackupPhaseSchema,
  ClusterResourcePolicySchema,
  VolumePolicySchema,
  type Backup,
  type BackupMessage,
  type BackupSpec,
  type HookResult,
  type VolumeOptions,
} from "@lifeboat/proto";
import { enumName } from "../arguments.js";
import { indent, renderCounts, renderList, formatHook } from "../catalog/describe-sections.js";
import { formatLabels, renderFields } from "../output.js";
import { formatTime } from "../message-output.js";
import { hasVolumeProgress, volumeProgressText } from "../catalog/volume-progress.js";
import { formatBytes, formatSeconds } from "../repo/units.js";
import { renderVolumes, volumeCounts } from "./describe-volumes.js";

export interface DescribeOptions {
  /** Every message, every dry-run item and whole hook output, instead of the first few. */
  details?: boolean;
}

/** Hook output lines shown before "… n more lines (--details)". */
const BRIEF_OUTPUT_LINES = 5;

/** The backup as sections: fields, spec, counts per resource and namespace, messages, hooks. */
export function renderBackupDescription(backup: Backup, options: DescribeOptions = {}): string {
  const details = options.details === true;
  const sections = [renderFields(backupFields(backup)), renderSpec(backup.spec)];
  const summary = backup.summary;
  if (summary) {
    sections.push(
      renderFields([
        ["items", `${summary.items} (${summary.itemVersions} item versions, ${summary.dependenciesAdded} added as dependencies)`],
        ["bytes", `${formatBytes(Number(summary.bytes))} of item JSON, ${formatBytes(Number(summary.bytesAdded))} added to the repository`],
        ...(summary.volumes.length > 0 ? [["volumes", volumeCounts(summary.volumes)] as [string, string]] : []),
      ]),
    );
    sections.push(renderCounts("Items per resource", "resource", summary.itemsPerResource));
    sections.push(renderCounts("Items per namespace", "namespace", summary.itemsPerNamespace, "(cluster-scoped)"));
    sections.push(renderMessages("Warnings", summary.warnings, details));
    sections.push(renderMessages("Errors", summary.errors, details));
    sections.push(renderVolumes(summary.volumes, details));
    sections.push(renderHooks(summary.hooks, details));
    if (summary.dryRunItems.length > 0) {
      sections.push(
        renderList(
          `Dry run: ${summary.dryRunItems.length} items would be backed up`,
          summary.dryRunItems.map((item) => `  ${item}`),
          details,
        ),
      );
    }
  }
  return sections.filter((section) => section !== "").join("\n");
}

/** Fields for the backup's record: who, what state, when. */
export function backupFields(b: Backup): [string, string][] {
  const fields: [string, string][] = [
    ["id", b.id],
    ["cluster", b.clusterName ? `${b.clusterName} (${b.clusterId})` : b.clusterId],
    ["policy", b.policyId || "(on demand)"],
    ["phase", enumName(BackupPhaseSchema, b.phase)],
  ];
  if (b.validationErrors.length > 0) fields.push(["validation errors", b.validationErrors.join("; ")]);
  if (b.failureReason) fields.push(["failure reason", b.failureReason]);
  if (b.progress && b.phase === BackupPhase.IN_PROGRESS) {
    const p = b.progress;
    const volumes = hasVolumeProgress(p) ? `; ${volumeProgressText(p)}` : "";
    fields.push(["progress", `${p.stage} ${p.itemsDone}/${p.itemsTotal} items, ${formatBytes(Number(p.bytes))}${volumes} (at ${formatTime(p.updateTime)})`]);
  }
  fields.push(
    ["labels", formatLabels(b.labels)],
    ["kubernetes", b.kubernetesVersion],
    ["task", b.taskId],
    ["created", formatTime(b.createTime)],
    ["started", formatTime(b.startTime)],
    ["completed", formatTime(b.completionTime)],
    ["expires", formatTime(b.expireTime)],
  );
  return fields;
}

/** The spec in a few `field: value` lines, leaving out what is at its default. */
export function specFields(spec: BackupSpec | undefined): [string, string][] {
  if (!spec) return [];
  const fields: [string, string][] = [["repository", spec.repository]];
  const include = (items: string[], excluded: string[]) => `${items.length > 0 ? items.join(",") : "*"}${excluded.length > 0 ? ` (not ${excluded.join(",")})` : ""}`;
  fields.push(["namespaces", include(spec.includedNamespaces, spec.excludedNamespaces)]);
  fields.push(["resources", include(spec.includedResources, spec.excludedResources)]);
  fields.push(["cluster resources", enumName(ClusterResourcePolicySchema, spec.includeClusterResources) || "AUTO"]);
  if (spec.labelSelector) fields.push(["label selector", spec.labelSelector]);
  if (spec.orLabelSelectors.length > 0) fields.push(["or label selectors", spec.orLabelSelectors.join(" | ")]);
  fields.push(["mode", enumName(BackupModeSchema, spec.mode) || "NORMAL"]);
  fields.push(["ttl", spec.ttl ? formatDuration(spec.ttl) : "(hub default)"]);
  if (spec.volumes) fields.push(["volumes", formatVolumeOptions(spec.volumes)]);
  if (spec.hooks.length > 0) fields.push(["hooks", spec.hooks.map((h) => `${h.name || "(unnamed)"}: ${h.pre.length} pre, ${h.post.length} post`).join("; ")]);
  if (Object.keys(spec.labels).length > 0) fields.push(["labels", formatLabels(spec.labels)]);
  return fields;
}

/** `FS (fast-ssd=SNAPSHOT, scratch=NONE), snapshot class csi-snap, full copy, timeout 30m`. */
export function formatVolumeOptions(v: VolumeOptions): string {
  const classes = Object.entries(v.storageClassPolicies).map(([storageClass, policy]) => `${storageClass}=${enumName(VolumePolicySchema, policy) || "NONE"}`);
  const parts = [`${enumName(VolumePolicySchema, v.defaultPolicy) || "NONE"}${classes.length > 0 ? ` (${classes.join(", ")})` : ""}`];
  if (v.snapshotClass) parts.push(`snapshot class ${v.snapshotClass}`);
  if (v.full) parts.push("full copy");
  if (v.timeout) parts.push(`timeout ${formatDuration(v.timeout)}`);
  return parts.join(", ");
}

/** 2592000s as "720h", 90s as "1m30s": how people wrote it. */
export function formatDuration(duration: Duration): string {
  const seconds = durationMs(duration) / 1000;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}m`;
  if (seconds >= 60) return formatSeconds(seconds);
  return `${seconds}s`;
}

function renderSpec(spec: BackupSpec | undefined): string {
  const fields = specFields(spec);
  return fields.length === 0 ? "" : `Spec:\n${indent(renderFields(fields))}`;
}

function renderMessages(title: string, messages: readonly BackupMessage[], details: boolean): string {
  if (messages.length === 0) return "";
  return renderList(`${title} (${messages.length}):`, messages.map((m) => `  ${formatMessage(m)}`), details);
}

/** `deployments.apps shop/web: the message`, or the message alone when it is about no item. */
export function formatMessage(m: BackupMessage): string {
  const where = [m.namespace, m.name].filter((part) => part !== "").join("/");
  const subject = [m.resource, where].filter((part) => part !== "").join(" ");
  return subject === "" ? m.message : `${subject}: ${m.message}`;
}

function renderHooks(hooks: readonly HookResult[], details: boolean): string {
  if (hooks.length === 0) return "";
  const lines = [`Hooks (${hooks.length}):`];
  for (const h of hooks) {
    lines.push(`  ${h.phase} ${formatHook(h)}`);
    lines.push(`    command: ${h.command.join(" ")}`);
    for (const [name, text] of [["stdout", h.stdout], ["stderr", h.stderr]] as const) {
      const output = text.replace(/\n+$/, "");
      if (output === "") continue;
      const outputLines = output.split("\n");
      const shown = details ? outputLines : outputLines.slice(0, BRIEF_OUTPUT_LINES);
      lines.push(`    ${name}:`, ...shown.map((line) => `      ${line}`));
      if (shown.length < outputLines.length) lines.push(`      … ${outputLines.length - shown.length} more lines (--details)`);
    }
  }
  return `${lines.join("\n")}\n`;
}
