// Checks a BackupSpec before anything is queued: every problem the hub can see, each as a message
// naming the field, so one FAILED_VALIDATION backup lists them all at once.
import type { Duration } from "@bufbuild/protobuf/wkt";
import {
  BackupMode,
  ClusterResourcePolicy,
  HookErrorMode,
  VolumePolicy,
  type BackupHook,
  type BackupSpec,
  type ExecHook,
  type VolumeOptions,
} from "@lifeboat/proto";
import { parseLabelSelector } from "@lifeboat/shared";

// A namespace name is a DNS-1123 label (at most 63 characters); a glob may use '*' and '?' where a
// name has letters.
const NAMESPACE = /^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$/;
const NAMESPACE_MAX = 63;
// "deployments", "deployments.apps", "Deployment", "*.example.com": DNS-subdomain-like parts.
const RESOURCE = /^[A-Za-z0-9*?]([-A-Za-z0-9*?]*[A-Za-z0-9*?])?(\.[A-Za-z0-9*?]([-A-Za-z0-9*?]*[A-Za-z0-9*?])?)*$/;
const RESOURCE_MAX = 253;
// Kubernetes label keys and values, as label-selector.ts reads them.
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
// Storage class and VolumeSnapshotClass names are DNS subdomains.
// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_SUBDOMAIN_MAX = 253;

const q = (value: string): string => JSON.stringify(value);

/** Every problem in `spec`, each naming its field ("spec.included_namespaces[1]: ..."); empty when valid. */
export function validateBackupSpec(spec: BackupSpec | undefined): string[] {
  if (spec === undefined) return ["spec: required"];
  return [
    ...checkRepository(spec),
    ...checkNames("spec.included_namespaces", spec.includedNamespaces, isNamespacePattern, "namespace name or glob"),
    ...checkNames("spec.excluded_namespaces", spec.excludedNamespaces, isNamespacePattern, "namespace name or glob"),
    ...checkConflicts("spec", "namespaces", spec.includedNamespaces, spec.excludedNamespaces),
    ...checkNames("spec.included_resources", spec.includedResources, isResourcePattern, "resource name or glob"),
    ...checkNames("spec.excluded_resources", spec.excludedResources, isResourcePattern, "resource name or glob"),
    ...checkConflicts("spec", "resources", spec.includedResources, spec.excludedResources),
    ...checkEnum("spec.include_cluster_resources", spec.includeClusterResources, ClusterResourcePolicy),
    ...checkSelectors(spec),
    ...checkTtl(spec.ttl),
    ...spec.hooks.flatMap((hook, i) => checkHook(`spec.hooks[${i}]`, hook)),
    ...checkEnum("spec.mode", spec.mode, BackupMode),
    ...(spec.volumes ? checkVolumes(spec.volumes) : []),
    ...checkLabels(spec.labels),
  ];
}

function checkRepository(spec: BackupSpec): string[] {
  return spec.repository.trim() === "" ? ["spec.repository: required; name the repository the backup goes to"] : [];
}

function isNamespacePattern(value: string): boolean {
  return value.length <= NAMESPACE_MAX && NAMESPACE.test(value);
}

function isResourcePattern(value: string): boolean {
  return value.length <= RESOURCE_MAX && RESOURCE.test(value);
}

function checkNames(field: string, values: readonly string[], isValid: (v: string) => boolean, what: string): string[] {
  return values.flatMap((value, i) => (isValid(value) ? [] : [`${field}[${i}]: ${q(value)} is not a valid ${what}`]));
}

function checkConflicts(prefix: string, noun: string, included: readonly string[], excluded: readonly string[]): string[] {
  const excludedSet = new Set(excluded);
  return included.flatMap((value, i) =>
    excludedSet.has(value)
      ? [`${prefix}.included_${noun}[${i}]: ${q(value)} is also in ${prefix}.excluded_${noun}; name it in one list only`]
      : [],
  );
}

function checkEnum(field: string, value: number, values: object): string[] {
  const known = Object.values(values).filter((v): v is number => typeof v === "number");
  return known.includes(value) ? [] : [`${field}: ${value} is not a known value; use one of ${known.join(", ")}`];
}

function checkSelector(field: string, selector: string): string[] {
  try {
    parseLabelSelector(selector, field);
    return [];
  } catch (err) {
    // The parser's message already starts with the field.
    return [(err as Error).message];
  }
}

function checkSelectors(spec: BackupSpec): string[] {
  const problems = [
    ...checkSelector("spec.label_selector", spec.labelSelector),
    ...spec.orLabelSelectors.flatMap((s, i) =>
      s.trim() === ""
        ? [`spec.or_label_selectors[${i}]: empty; an empty selector would match every item`]
        : checkSelector(`spec.or_label_selectors[${i}]`, s),
    ),
  ];
  if (spec.labelSelector.trim() !== "" && spec.orLabelSelectors.length > 0) {
    problems.push("spec.or_label_selectors: cannot be used with spec.label_selector; give one or the other");
  }
  return problems;
}

function isNegative(d: Duration): boolean {
  return d.seconds < 0n || (d.seconds === 0n && d.nanos < 0);
}

function checkTtl(ttl: Duration | undefined): string[] {
  if (ttl === undefined || !isNegative(ttl)) return [];
  return [`spec.ttl: ${ttl.seconds}s is negative; give a positive duration, or none for the default`];
}

function checkHook(field: string, hook: BackupHook): string[] {
  return [
    ...checkNames(`${field}.included_namespaces`, hook.includedNamespaces, isNamespacePattern, "namespace name or glob"),
    ...checkNames(`${field}.excluded_namespaces`, hook.excludedNamespaces, isNamespacePattern, "namespace name or glob"),
    ...checkConflicts(field, "namespaces", hook.includedNamespaces, hook.excludedNamespaces),
    ...checkSelector(`${field}.label_selector`, hook.labelSelector),
    ...(hook.pre.length + hook.post.length === 0 ? [`${field}: no pre or post commands; a hook needs at least one`] : []),
    ...hook.pre.flatMap((exec, i) => checkExec(`${field}.pre[${i}]`, exec)),
    ...hook.post.flatMap((exec, i) => checkExec(`${field}.post[${i}]`, exec)),
  ];
}

function checkExec(field: string, exec: ExecHook): string[] {
  const problems: string[] = [];
  if (exec.command.length === 0 || exec.command[0]!.trim() === "") {
    problems.push(`${field}.command: required; give the program and its arguments, e.g. ["/bin/sh", "-c", "sync"]`);
  }
  if (exec.timeout !== undefined && (isNegative(exec.timeout) || (exec.timeout.seconds === 0n && exec.timeout.nanos === 0))) {
    problems.push(`${field}.timeout: ${exec.timeout.seconds}s is not positive; give a positive duration, or none for 30s`);
  }
  problems.push(...checkEnum(`${field}.on_error`, exec.onError, HookErrorMode));
  return problems;
}

function isDnsSubdomain(value: string): boolean {
  return value.length <= DNS_SUBDOMAIN_MAX && DNS_SUBDOMAIN.test(value);
}

function checkVolumes(volumes: VolumeOptions): string[] {
  const problems = checkEnum("spec.volumes.default_policy", volumes.defaultPolicy, VolumePolicy);
  for (const [storageClass, policy] of Object.entries(volumes.storageClassPolicies)) {
    const field = `spec.volumes.storage_class_policies[${q(storageClass)}]`;
    if (!isDnsSubdomain(storageClass)) problems.push(`${field}: ${q(storageClass)} is not a valid storage class name (lower-case letters, digits, '-' and '.', at most 253 characters)`);
    problems.push(...checkEnum(field, policy, VolumePolicy));
  }
  if (volumes.snapshotClass !== "" && !isDnsSubdomain(volumes.snapshotClass)) {
    problems.push(`spec.volumes.snapshot_class: ${q(volumes.snapshotClass)} is not a valid VolumeSnapshotClass name (lower-case letters, digits, '-' and '.', at most 253 characters)`);
  }
  const timeout = volumes.timeout;
  if (timeout !== undefined && (isNegative(timeout) || (timeout.seconds === 0n && timeout.nanos === 0))) {
    problems.push(`spec.volumes.timeout: ${timeout.seconds}s is not positive; give a positive duration, or none for 10m`);
  }
  return problems;
}

function checkLabels(labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels).flatMap(([key, value]) => [
    ...(LABEL_KEY.test(key) ? [] : [`spec.labels: ${q(key)} is not a valid label key`]),
    ...(LABEL_VALUE.test(value) ? [] : [`spec.labels[${q(key)}]: ${q(value)} is not a valid label value`]),
  ]);
}
