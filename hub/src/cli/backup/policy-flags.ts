// A policy as command-line flags for `policy create`, the other way to write a policy file.
import { create } from "@bufbuild/protobuf";
import { PolicySchema, RetentionSchema, type BackupHook, type Policy } from "@lifeboat/proto";
import type { Command } from "commander";
import { missing, parseCount } from "../arguments.js";
import { badOption } from "../errors.js";
import { BACKUP_SPEC_OPTIONS, buildBackupSpec, collect, withBackupSpecOptions, type BackupSpecFlags } from "./spec-flags.js";

export interface PolicyFlags extends BackupSpecFlags {
  name?: string;
  description?: string;
  clusterSelector?: string;
  clusters?: string[];
  schedule?: string;
  timeZone?: string;
  paused?: boolean;
  keepLast?: string;
  keepHourly?: string;
  keepDaily?: string;
  keepWeekly?: string;
  keepMonthly?: string;
}

const POLICY_OPTIONS: readonly (keyof PolicyFlags)[] = [
  "name",
  "description",
  "clusterSelector",
  "clusters",
  "schedule",
  "timeZone",
  "paused",
  "keepLast",
  "keepHourly",
  "keepDaily",
  "keepWeekly",
  "keepMonthly",
  ...BACKUP_SPEC_OPTIONS,
];

const RETENTION = [
  ["keepLast", "--keep-last"],
  ["keepHourly", "--keep-hourly"],
  ["keepDaily", "--keep-daily"],
  ["keepWeekly", "--keep-weekly"],
  ["keepMonthly", "--keep-monthly"],
] as const;

// Policy.name: lower-case letters, digits and '-', like a Kubernetes DNS label.
const POLICY_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Adds the policy's flags (and the backup spec's) to `policy create`. */
export function withPolicyOptions(command: Command): Command {
  command
    .option("--name <name>", "the policy's name: lower-case letters, digits and '-'")
    .option("--description <text>", "a note for whoever lists policies later")
    .option("--cluster-selector <selector>", "every cluster whose labels match, e.g. 'env=prod,region in (eu,us)'")
    .option("--clusters <names>", "clusters by name, comma-separated (repeatable); with --cluster-selector, both are taken", collect)
    .option("--schedule <schedule>", "a 5-field cron expression ('0 2 * * *') or '@every 2h30m'; without it the policy runs only by hand")
    .option("--time-zone <zone>", "IANA time zone the cron expression is read in, e.g. Europe/Paris (default UTC)")
    .option("--paused", "create it paused: it does not fire until resumed");
  withBackupSpecOptions(command);
  return command
    .option("--keep-last <n>", "keep the newest n successful backups of each cluster")
    .option("--keep-hourly <n>", "and the newest of each of the last n hours")
    .option("--keep-daily <n>", "and the newest of each of the last n days")
    .option("--keep-weekly <n>", "and the newest of each of the last n weeks")
    .option("--keep-monthly <n>", "and the newest of each of the last n months");
}

/** The option the user gave beside `-f`, if any (as typed: `--name`). */
export function flagBesideFile(flags: PolicyFlags): string | undefined {
  const given = POLICY_OPTIONS.find((key) => flags[key] !== undefined);
  return given === undefined ? undefined : `--${given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * The Policy the flags describe, with hooks read from --hooks-file by the caller. Throws
 * INVALID_ARGUMENT naming the flag; the hub checks the rest (cron syntax, the repository exists).
 */
export function buildPolicy(flags: PolicyFlags, hooks: readonly BackupHook[] = []): Policy {
  if (flags.name === undefined) throw missing("--name", "name the policy (or give the whole policy with -f FILE)");
  if (!POLICY_NAME.test(flags.name)) throw badOption("--name", flags.name, "expected at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit");
  const clusterNames = (flags.clusters ?? []).flatMap((value) => value.split(",")).map((name) => name.trim()).filter((name) => name !== "");
  const clusterSelector = flags.clusterSelector?.trim() ?? "";
  if (clusterSelector === "" && clusterNames.length === 0) throw missing("--cluster-selector or --clusters", "say which clusters the policy backs up");
  if (flags.timeZone !== undefined && !isTimeZone(flags.timeZone)) throw badOption("--time-zone", flags.timeZone, "expected an IANA time zone such as UTC or Europe/Paris");
  const retention = create(RetentionSchema);
  for (const [key, option] of RETENTION) {
    const text = flags[key];
    if (text !== undefined) retention[key] = parseCount(option, text, 0);
  }
  return create(PolicySchema, {
    name: flags.name,
    description: flags.description ?? "",
    clusterSelector,
    clusterNames,
    schedule: flags.schedule?.trim() ?? "",
    timeZone: flags.timeZone ?? "",
    paused: flags.paused === true,
    backup: buildBackupSpec(flags, hooks),
    retention,
  });
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
