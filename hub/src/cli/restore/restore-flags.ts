// The restore spec as command-line flags, shared by `restore create` and `migrate`.
import { create } from "@bufbuild/protobuf";
import { ClusterResourcePolicy, ExistingResourcePolicy, RestoreSpecSchema, type RestoreSpec } from "@lifeboat/proto";
import { parseMappingFlag } from "@lifeboat/shared/restore";
import type { Command } from "commander";
import { parseLabels, readOptionFile } from "../arguments.js";
import { collect } from "../backup/spec-flags.js";
import { badOption } from "../errors.js";

/** The flags as commander hands them over: list flags as typed, each occurrence possibly `a,b`. */
export interface RestoreSpecFlags {
  includeNamespaces?: string[];
  excludeNamespaces?: string[];
  includeResources?: string[];
  excludeResources?: string[];
  includeClusterResources?: string;
  selector?: string;
  namespaceMapping?: string[];
  storageClassMapping?: string[];
  imageRegistryMapping?: string[];
  pvSourceMapping?: string[];
  existingResourcePolicy?: string;
  preserveNodePorts?: boolean;
  resourceModifiers?: string;
  label?: string[];
  dryRun?: boolean;
  skipVolumeData?: boolean;
}

const CLUSTER_RESOURCES: Record<string, ClusterResourcePolicy> = {
  auto: ClusterResourcePolicy.AUTO,
  true: ClusterResourcePolicy.INCLUDE,
  false: ClusterResourcePolicy.EXCLUDE,
};

const EXISTING: Record<string, ExistingResourcePolicy> = {
  skip: ExistingResourcePolicy.SKIP,
  update: ExistingResourcePolicy.UPDATE,
};

/** Adds the restore's selection flags (what of the backup): `migrate` takes these too. */
export function withRestoreSelectionOptions(command: Command): Command {
  return command
    .option("--include-namespaces <names>", "namespaces of the backup to restore, comma-separated, globs allowed; all when absent", collect)
    .option("--exclude-namespaces <names>", "namespaces to leave out; wins over --include-namespaces", collect)
    .option("--include-resources <resources>", "resources to restore: deployments, deployments.apps, Deployment or *.example.com; all when absent", collect)
    .option("--exclude-resources <resources>", "resources to leave out; wins over --include-resources", collect);
}

/** Adds the rest of the restore spec's flags: how items are chosen and changed on the way in. */
export function withRestoreSpecOptions(command: Command): Command {
  return command
    .option("--include-cluster-resources <auto|true|false>", "cluster-scoped items: auto (those the restored items need; all without a namespace filter), true or false")
    .option("--selector <selector>", "only items whose labels match, e.g. 'app=web,tier!=cache'")
    .option("--namespace-mapping <from:to,...>", "source:target pairs: items of a source namespace are restored into the target namespace", collect)
    .option("--storage-class-mapping <old:new,...>", "old:new pairs: storage classes of PVs, PVCs and volume claim templates", collect)
    .option("--image-registry-mapping <from:to,...>", "from:to pairs of image registry/repository prefixes (the image name and tag stay)", collect)
    .option("--pv-source-mapping <source:driver,...>", "in-tree or FlexVolume PV source becomes this CSI driver, e.g. awsElasticBlockStore:ebs.csi.aws.com", collect)
    .option("--existing-resource-policy <skip|update>", "an item the cluster has already: skip it (the default) or update it by merge patch")
    .option("--preserve-node-ports", "keep Services' node ports (by default the target assigns its own)")
    .option("--resource-modifiers <file>", "YAML or JSON resource modifier rules (JSON patches or merge patches on matching items)")
    .option("--label <k=v>", "a label on the restore record (repeatable, or k=v,k2=v2)", collect)
    .option("--skip-volume-data", "restore claims without the volume data the backup copied (they come up empty)")
    .option("--dry-run", "list what would be restored and how, apply nothing");
}

/** Every occurrence split at commas, blanks dropped. */
function listOf(values: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const value of values ?? []) for (const entry of value.split(",").map((part) => part.trim())) if (entry !== "" && !out.includes(entry)) out.push(entry);
  return out;
}

function mapping(flag: string, values: readonly string[] | undefined): Record<string, string> {
  return parseMappingFlag((values ?? []).join(","), flag);
}

function pick<T>(option: string, text: string, choices: Record<string, T>): T {
  const found = choices[text.trim().toLowerCase()];
  if (found === undefined) throw badOption(option, text, `expected one of ${Object.keys(choices).join(", ")}`);
  return found;
}

/**
 * The RestoreSpec the flags describe, for backup `backupId`. Throws INVALID_ARGUMENT naming the
 * flag for a bad value (the hub checks the rest, e.g. what a mapping maps onto); nothing is sent.
 */
export async function buildRestoreSpec(backupId: string, flags: RestoreSpecFlags): Promise<RestoreSpec> {
  return create(RestoreSpecSchema, {
    backupId,
    includedNamespaces: listOf(flags.includeNamespaces),
    excludedNamespaces: listOf(flags.excludeNamespaces),
    includedResources: listOf(flags.includeResources),
    excludedResources: listOf(flags.excludeResources),
    includeClusterResources: flags.includeClusterResources === undefined ? ClusterResourcePolicy.UNSPECIFIED : pick("--include-cluster-resources", flags.includeClusterResources, CLUSTER_RESOURCES),
    labelSelector: flags.selector?.trim() ?? "",
    namespaceMapping: mapping("--namespace-mapping", flags.namespaceMapping),
    storageClassMapping: mapping("--storage-class-mapping", flags.storageClassMapping),
    imageRegistryMapping: mapping("--image-registry-mapping", flags.imageRegistryMapping),
    pvSourceMapping: mapping("--pv-source-mapping", flags.pvSourceMapping),
    existingResourcePolicy: flags.existingResourcePolicy === undefined ? ExistingResourcePolicy.UNSPECIFIED : pick("--existing-resource-policy", flags.existingResourcePolicy, EXISTING),
    preserveNodePorts: flags.preserveNodePorts === true,
    resourceModifiers: flags.resourceModifiers === undefined ? "" : await readOptionFile("--resource-modifiers", flags.resourceModifiers),
    labels: flags.label === undefined ? {} : parseLabels("--label", flags.label.join(",")),
    dryRun: flags.dryRun === true,
    skipVolumeData: flags.skipVolumeData === true,
  });
}
