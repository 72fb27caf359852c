// The backup spec as command-line flags, shared by `backup create` and `policy create`.
import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { BackupMode, BackupSpecSchema, ClusterResourcePolicy, type BackupHook, type BackupSpec } from "@lifeboat/proto";
import type { Command } from "commander";
import { missing, parseDuration, parseLabels } from "../arguments.js";
import { badOption } from "../errors.js";
import { buildVolumeOptions, VOLUME_OPTIONS, withVolumeOptions, type VolumeFlags } from "./volume-flags.js";

/** The flags as commander hands them over: list flags as typed, each occurrence possibly `a,b`. */
export interface BackupSpecFlags extends VolumeFlags {
  repository?: string;
  includeNamespaces?: string[];
  excludeNamespaces?: string[];
  includeResources?: string[];
  excludeResources?: string[];
  includeClusterResources?: string;
  labelSelector?: string;
  orLabelSelector?: string[];
  ttl?: string;
  mode?: string;
  labels?: string;
  hooksFile?: string;
}

/** The spec flags' option names, for commands that refuse them beside a file. */
export const BACKUP_SPEC_OPTIONS: readonly (keyof BackupSpecFlags)[] = [
  "repository",
  "includeNamespaces",
  "excludeNamespaces",
  "includeResources",
  "excludeResources",
  "includeClusterResources",
  "labelSelector",
  "orLabelSelector",
  "ttl",
  "mode",
  "labels",
  "hooksFile",
  ...VOLUME_OPTIONS,
];

/** Appends each occurrence of a repeatable option. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const MODES: Record<string, BackupMode> = {
  normal: BackupMode.NORMAL,
  "resources-only": BackupMode.RESOURCES_ONLY,
  "data-only": BackupMode.DATA_ONLY,
  "dry-run": BackupMode.DRY_RUN,
};

const CLUSTER_RESOURCES: Record<string, ClusterResourcePolicy> = {
  auto: ClusterResourcePolicy.AUTO,
  true: ClusterResourcePolicy.INCLUDE,
  false: ClusterResourcePolicy.EXCLUDE,
  include: ClusterResourcePolicy.INCLUDE,
  exclude: ClusterResourcePolicy.EXCLUDE,
};

/** Adds the backup spec's flags to a command. */
export function withBackupSpecOptions(command: Command): Command {
  command
    .option("--repository <name>", "the repository the backups go to (lifeboat repository list)")
    .option("--include-namespaces <names>", "namespaces to back up, comma-separated, globs allowed (kube-*); all when absent", collect)
    .option("--exclude-namespaces <names>", "namespaces to leave out; wins over --include-namespaces", collect)
    .option("--include-resources <resources>", "resources to back up: deployments, deployments.apps, Deployment or *.example.com; all when absent", collect)
    .option("--exclude-resources <resources>", "resources to leave out; wins over --include-resources", collect)
    .option("--include-cluster-resources <auto|true|false>", "cluster-scoped resources: auto (all without a namespace filter, else only those depended on), true or false")
    .option("--label-selector <selector>", "only items whose labels match, e.g. 'app=web,tier!=cache'")
    .option("--or-label-selector <selector>", "items matching any of these selectors (repeatable); not with --label-selector", collect)
    .option("--ttl <duration>", "how long the backup is kept, e.g. 720h or 30d (the hub's default, 30 days, when absent)")
    .option("--mode <mode>", `what the backup takes: ${Object.keys(MODES).join(", ")} (dry-run lists items and writes nothing)`)
    .option("--labels <k=v,...>", "labels put on the backup records")
    .option("--hooks-file <file>", "YAML list of hooks (name, includedNamespaces, labelSelector, pre, post) run in pods before and after");
  return withVolumeOptions(command);
}

/**
 * The BackupSpec the flags describe, with `hooks` read from --hooks-file by the caller. Throws
 * INVALID_ARGUMENT naming the flag for a missing repository or any bad value; nothing is sent.
 */
export function buildBackupSpec(flags: BackupSpecFlags, hooks: readonly BackupHook[] = []): BackupSpec {
  if (flags.repository === undefined || flags.repository.trim() === "") {
    throw missing("--repository", "name the repository the backups go to (lifeboat repository list)");
  }
  const includedNamespaces = parseList("--include-namespaces", flags.includeNamespaces, NAMESPACE, NAMESPACE_HELP);
  const excludedNamespaces = parseList("--exclude-namespaces", flags.excludeNamespaces, NAMESPACE, NAMESPACE_HELP);
  const includedResources = parseList("--include-resources", flags.includeResources, RESOURCE, RESOURCE_HELP);
  const excludedResources = parseList("--exclude-resources", flags.excludeResources, RESOURCE, RESOURCE_HELP);
  refuseOverlap("--exclude-namespaces", excludedNamespaces, "--include-namespaces", includedNamespaces);
  refuseOverlap("--exclude-resources", excludedResources, "--include-resources", includedResources);
  const orLabelSelectors = (flags.orLabelSelector ?? []).map((selector) => selector.trim());
  if (orLabelSelectors.includes("")) throw badOption("--or-label-selector", "", "expected a label selector such as app=web");
  if (flags.labelSelector !== undefined && orLabelSelectors.length > 0) {
    throw badOption("--or-label-selector", orLabelSelectors[0]!, "give --label-selector or --or-label-selector, not both");
  }
  return create(BackupSpecSchema, {
    repository: flags.repository.trim(),
    includedNamespaces,
    excludedNamespaces,
    includedResources,
    excludedResources,
    includeClusterResources: flags.includeClusterResources === undefined ? ClusterResourcePolicy.UNSPECIFIED : pick("--include-cluster-resources", flags.includeClusterResources, CLUSTER_RESOURCES),
    labelSelector: flags.labelSelector?.trim() ?? "",
    orLabelSelectors,
    ttl: flags.ttl === undefined ? undefined : durationFromMs(parseDuration("--ttl", flags.ttl)),
    mode: flags.mode === undefined ? BackupMode.UNSPECIFIED : pick("--mode", flags.mode, MODES),
    labels: flags.labels === undefined ? {} : parseLabels("--labels", flags.labels),
    hooks: [...hooks],
    volumes: buildVolumeOptions(flags),
  });
}

// Namespace names are DNS labels; a glob may put '*' and '?' where a name has letters (as the hub reads them).
const NAMESPACE = /^(?=.{1,63}$)[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$/;
const NAMESPACE_HELP = "expected namespace names or globs (lower-case letters, digits, '-', '*', '?')";
// "deployments", "deployments.apps", "Deployment", "*.example.com": DNS-subdomain-like parts.
const RESOURCE = /^(?=.{1,253}$)[A-Za-z0-9*?]([-A-Za-z0-9*?]*[A-Za-z0-9*?])?(\.[A-Za-z0-9*?]([-A-Za-z0-9*?]*[A-Za-z0-9*?])?)*$/;
const RESOURCE_HELP = "expected resources such as deployments, deployments.apps, Deployment or *.example.com";

/** Every occurrence split at commas, blanks dropped, each entry checked. */
function parseList(option: string, values: readonly string[] | undefined, pattern: RegExp, help: string): string[] {
  const out: string[] = [];
  for (const value of values ?? []) {
    for (const entry of value.split(",").map((part) => part.trim())) {
      if (entry === "") continue;
      if (!pattern.test(entry)) throw badOption(option, entry, help);
      if (!out.includes(entry)) out.push(entry);
    }
  }
  return out;
}

// The API treats an entry in both lists as a mistake rather than guessing which was meant.
function refuseOverlap(option: string, excluded: readonly string[], other: string, included: readonly string[]): void {
  const both = excluded.find((entry) => included.includes(entry));
  if (both !== undefined) throw badOption(option, both, `it is also in ${other}; name it in one of them`);
}

function pick<T>(option: string, text: string, choices: Record<string, T>): T {
  const found = choices[text.trim().toLowerCase().replace(/_/g, "-")];
  if (found === undefined) throw badOption(option, text, `expected one of ${Object.keys(choices).join(", ")}`);
  return found;
}
