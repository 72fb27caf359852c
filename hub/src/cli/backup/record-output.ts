// Table columns and field lists for repositories, policies and backups.
import { BackupPhaseSchema, type Backup, type Policy, type Repository } from "@lifeboat/proto";
import { enumName } from "../arguments.js";
import { type Column } from "../output.js";
import { formatTime } from "../message-output.js";
import { specFields } from "./describe-backup.js";

export const REPOSITORY_COLUMNS: Column<Repository>[] = [
  { header: "name", value: (r) => r.name },
  { header: "url", value: (r) => r.url },
  { header: "repository-id", value: (r) => r.repositoryId },
  { header: "credentials", value: (r) => r.credentialNames.join(",") },
  { header: "created", value: (r) => formatTime(r.createTime) },
  { header: "description", value: (r) => r.description },
];

export function repositoryFields(r: Repository): [string, string][] {
  return [
    ["name", r.name],
    ["url", r.url],
    ["repository id", r.repositoryId],
    // Names only: the hub never returns the values.
    ["credentials", r.credentialNames.join(", ")],
    ["description", r.description],
    ["created", formatTime(r.createTime)],
    ["updated", formatTime(r.updateTime)],
  ];
}

export const POLICY_COLUMNS: Column<Policy>[] = [
  { header: "name", value: (p) => p.name },
  { header: "clusters", value: (p) => policyClusters(p) },
  { header: "schedule", value: (p) => p.schedule || "(by hand)" },
  { header: "paused", value: (p) => (p.paused ? "yes" : "no") },
  { header: "repository", value: (p) => p.backup?.repository ?? "" },
  { header: "last-run", value: (p) => formatTime(p.lastRunTime) },
  { header: "next-run", value: (p) => formatTime(p.nextRunTime) },
];

/** `env=prod + eu-1,eu-2`: the selector and the clusters named. */
export function policyClusters(p: Policy): string {
  return [p.clusterSelector, p.clusterNames.join(",")].filter((part) => part !== "").join(" + ");
}

export function policyFields(p: Policy): [string, string][] {
  const r = p.retention;
  const retention = r
    ? [
        ["last", r.keepLast],
        ["hourly", r.keepHourly],
        ["daily", r.keepDaily],
        ["weekly", r.keepWeekly],
        ["monthly", r.keepMonthly],
      ]
        .filter(([, n]) => n !== 0)
        .map(([what, n]) => `${what} ${n}`)
        .join(", ")
    : "";
  return [
    ["id", p.id],
    ["name", p.name],
    ["description", p.description],
    ["cluster selector", p.clusterSelector],
    ["clusters", p.clusterNames.join(", ")],
    ["schedule", p.schedule || "(none: runs only by hand)"],
    ["time zone", p.timeZone || "UTC"],
    ["paused", p.paused ? "yes" : "no"],
    ...specFields(p.backup).map(([name, value]): [string, string] => [`backup ${name}`, value]),
    ["retention", retention || "(each backup's ttl only)"],
    ["created", formatTime(p.createTime)],
    ["updated", formatTime(p.updateTime)],
    ["last run", formatTime(p.lastRunTime)],
    ["next run", formatTime(p.nextRunTime)],
  ];
}

export const BACKUP_COLUMNS: Column<Backup>[] = [
  { header: "id", value: (b) => b.id },
  { header: "cluster", value: (b) => b.clusterName || b.clusterId },
  { header: "policy", value: (b) => b.policyId },
  { header: "phase", value: (b) => enumName(BackupPhaseSchema, b.phase) },
  { header: "items", value: (b) => backupItems(b) },
  { header: "created", value: (b) => formatTime(b.createTime) },
  { header: "expires", value: (b) => formatTime(b.expireTime) },
];

/** The items a finished backup holds, or how far a running one has got. */
function backupItems(b: Backup): string {
  if (b.summary) return String(b.summary.items);
  if (b.progress && (b.progress.itemsDone > 0n || b.progress.itemsTotal > 0n)) return `${b.progress.itemsDone}/${b.progress.itemsTotal}`;
  return "";
}
