import { clone, create } from "@bufbuild/protobuf";
import { PolicySchema, RetentionSchema, type Policy } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { validateBackupSpec } from "../backups/validate-spec.js";
import { parseLabelSelector } from "../clusters/index.js";
import { checkDnsLabel } from "../repositories/index.js";
import { parseSchedule, type Schedule } from "../schedules/parse-schedule.js";
import { unknownRepository } from "./policy-store.js";
import type { ClusterLookup } from "./cluster-lookup.js";

/** What validation looks up: cluster names and repositories. */
export interface PolicyReferences {
  clusters: Pick<ClusterLookup, "idOfName">;
  repositoryExists(name: string): Promise<boolean>;
}

export interface ValidPolicy {
  /** The policy as given, trimmed; id and times still unset. */
  policy: Policy;
  /** undefined: run by hand only. */
  schedule: Schedule | undefined;
}

// A policy keeping more than this many backups per rule is a typo, not a plan.
const MAX_KEEP = 100_000;

/**
 * Checks a policy from CreatePolicy, first problem first: INVALID_ARGUMENT for a malformed field,
 * NOT_FOUND for a cluster or repository it names that does not exist; each naming the field
 * (policy.name, policy.cluster_selector, policy.cluster_names, policy.backup…, policy.schedule,
 * policy.time_zone, policy.retention…). Reads, never writes.
 */
export async function validatePolicy(input: Policy | undefined, refs: PolicyReferences): Promise<ValidPolicy> {
  if (!input) throw new LifeboatError("INVALID_ARGUMENT", "policy is required", { field: "policy" });
  const policy = clone(PolicySchema, input);
  policy.name = checkDnsLabel("policy.name", policy.name.trim());
  policy.clusterSelector = policy.clusterSelector.trim();
  policy.clusterNames = [...new Set(policy.clusterNames.map((n) => n.trim()))];
  checkClusterChoice(policy);
  await checkClusterNames(policy.clusterNames, refs);
  checkBackupSpec(policy);
  const repository = policy.backup!.repository;
  if (!(await refs.repositoryExists(repository))) throw unknownRepository(repository);
  policy.schedule = policy.schedule.trim();
  policy.timeZone = policy.timeZone.trim();
  const schedule = parseSchedule(policy.schedule, policy.timeZone, "policy.schedule", "policy.time_zone");
  policy.retention = checkRetention(policy);
  return { policy, schedule };
}

function checkClusterChoice(policy: Policy): void {
  if (policy.clusterSelector === "" && policy.clusterNames.length === 0) {
    throw new LifeboatError(
      "INVALID_ARGUMENT",
      `policy "${policy.name}" selects no cluster: give policy.cluster_selector (e.g. "env=prod") or policy.cluster_names, or both`,
      { field: "policy.cluster_selector" },
    );
  }
  if (policy.clusterSelector !== "") parseLabelSelector(policy.clusterSelector, "policy.cluster_selector");
}

async function checkClusterNames(names: readonly string[], refs: PolicyReferences): Promise<void> {
  for (const name of names) {
    if (name === "") throw new LifeboatError("INVALID_ARGUMENT", "policy.cluster_names holds an empty name", { field: "policy.cluster_names" });
    if ((await refs.clusters.idOfName(name)) === undefined) {
      throw new LifeboatError("NOT_FOUND", `policy.cluster_names: cluster "${name}" is not registered (see ListClusters)`, { field: "policy.cluster_names", value: name });
    }
  }
}

function checkBackupSpec(policy: Policy): void {
  const spec = policy.backup;
  if (!spec) throw new LifeboatError("INVALID_ARGUMENT", "policy.backup is required: what each backup takes, with its repository", { field: "policy.backup" });
  if (spec.repository === "") {
    throw new LifeboatError("INVALID_ARGUMENT", "policy.backup.repository is required: the repository's name (see ListRepositories)", { field: "policy.backup.repository" });
  }
  // The validator names fields from "spec"; here the spec is the policy's "backup".
  const problems = validateBackupSpec(spec).map((p) => p.replace(/\bspec(?=[.[:])/g, "policy.backup"));
  if (problems.length > 0) {
    const field = /^policy\.backup[\w.[\]]*/.exec(problems[0]!)?.[0] ?? "policy.backup";
    throw new LifeboatError("INVALID_ARGUMENT", `policy "${policy.name}": ${problems.join("; ")}`, { field });
  }
}

function checkRetention(policy: Policy) {
  const retention = policy.retention ?? create(RetentionSchema);
  for (const [field, value] of [
    ["keep_last", retention.keepLast],
    ["keep_hourly", retention.keepHourly],
    ["keep_daily", retention.keepDaily],
    ["keep_weekly", retention.keepWeekly],
    ["keep_monthly", retention.keepMonthly],
  ] as const) {
    if (value > MAX_KEEP) {
      throw new LifeboatError("INVALID_ARGUMENT", `policy.retention.${field} ${value} is too large: at most ${MAX_KEEP}`, { field: `policy.retention.${field}`, value: String(value) });
    }
  }
  return retention;
}
