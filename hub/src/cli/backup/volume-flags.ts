// The backup spec's volume-data flags (VolumeOptions), part of the spec flags of `backup create`
// and `policy create`.
import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { VolumeOptionsSchema, VolumePolicy, type VolumeOptions } from "@lifeboat/proto";
import type { Command } from "commander";
import { parseDuration } from "../arguments.js";
import { badOption } from "../errors.js";

/** The flags as commander hands them over; --volume-policy as typed, each occurrence possibly `a=fs,b=none`. */
export interface VolumeFlags {
  volumes?: string;
  volumePolicy?: string[];
  snapshotClass?: string;
  fullVolumeCopy?: boolean;
  volumeTimeout?: string;
}

/** The volume flags' option names, for commands that refuse them beside a file. */
export const VOLUME_OPTIONS: readonly (keyof VolumeFlags)[] = ["volumes", "volumePolicy", "snapshotClass", "fullVolumeCopy", "volumeTimeout"];

const POLICIES: Record<string, VolumePolicy> = {
  fs: VolumePolicy.FS,
  snapshot: VolumePolicy.SNAPSHOT,
  none: VolumePolicy.NONE,
};
const POLICY_NAMES = Object.keys(POLICIES).join(", ");

// Storage class and VolumeSnapshotClass names are DNS subdomains (at most 253 characters).
// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_SUBDOMAIN_HELP = "lower-case letters, digits, '-' and '.', at most 253 characters";

/** Adds the volume-data flags to a command. */
export function withVolumeOptions(command: Command): Command {
  return command
    .option("--volumes <fs|snapshot|none>", "how volume data is taken: fs (file copy by the node agents), snapshot (CSI snapshot moved into the repository) or none (the default)")
    .option("--volume-policy <storageclass=policy>", "per storage class, over --volumes, e.g. fast-ssd=snapshot,scratch=none (repeatable)", collectAll)
    .option("--snapshot-class <name>", "the VolumeSnapshotClass for snapshot volumes (by default the CSI driver's default class)")
    .option("--full-volume-copy", "read every file, even those unchanged since the claim's last snapshot")
    .option("--volume-timeout <duration>", "how long one volume's copy may go without progress before it fails, e.g. 30m (default 10m)");
}

function collectAll(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * The VolumeOptions the flags describe, or undefined when none is given (the hub's defaults).
 * Throws INVALID_ARGUMENT naming the flag and the valid values.
 */
export function buildVolumeOptions(flags: VolumeFlags): VolumeOptions | undefined {
  if (VOLUME_OPTIONS.every((key) => flags[key] === undefined)) return undefined;
  const snapshotClass = flags.snapshotClass?.trim() ?? "";
  if (flags.snapshotClass !== undefined && !DNS_SUBDOMAIN.test(snapshotClass)) {
    throw badOption("--snapshot-class", flags.snapshotClass, `expected a VolumeSnapshotClass name: ${DNS_SUBDOMAIN_HELP}`);
  }
  return create(VolumeOptionsSchema, {
    defaultPolicy: flags.volumes === undefined ? VolumePolicy.UNSPECIFIED : pickPolicy("--volumes", flags.volumes, flags.volumes),
    storageClassPolicies: parseStorageClassPolicies(flags.volumePolicy ?? []),
    snapshotClass,
    full: flags.fullVolumeCopy === true,
    timeout: flags.volumeTimeout === undefined ? undefined : durationFromMs(parseDuration("--volume-timeout", flags.volumeTimeout)),
  });
}

/** `fast-ssd=snapshot,scratch=none` (each occurrence) as storage class -> policy. */
function parseStorageClassPolicies(values: readonly string[]): Record<string, VolumePolicy> {
  const out: Record<string, VolumePolicy> = {};
  for (const value of values) {
    for (const entry of value.split(",").map((part) => part.trim())) {
      if (entry === "") continue;
      const at = entry.indexOf("=");
      const storageClass = at < 0 ? "" : entry.slice(0, at).trim();
      if (at < 0) throw badOption("--volume-policy", entry, `expected storageclass=policy with a policy of ${POLICY_NAMES}, e.g. fast-ssd=snapshot`);
      if (!DNS_SUBDOMAIN.test(storageClass)) throw badOption("--volume-policy", entry, `expected a storage class name before '=': ${DNS_SUBDOMAIN_HELP}`);
      const policy = pickPolicy("--volume-policy", entry.slice(at + 1), entry);
      if (out[storageClass] !== undefined && out[storageClass] !== policy) {
        throw badOption("--volume-policy", entry, `storage class ${storageClass} is given two policies; give it one`);
      }
      out[storageClass] = policy;
    }
  }
  return out;
}

function pickPolicy(option: string, text: string, typed: string): VolumePolicy {
  const found = POLICIES[text.trim().toLowerCase()];
  if (found === undefined) throw badOption(option, typed, `expected a policy of ${POLICY_NAMES}`);
  return found;
}
