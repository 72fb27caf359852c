import { parseLabelSelector } from "../label-selector.js";
import type { RestoreHook, RestoreSpec } from "@lifeboat/proto";
import { LifeboatError } from "../errors/index.js";
import { isCsiDriverName, isDns1123Label, isDns1123Subdomain } from "./kube-names.js";
import { isTranslatablePvSource, TRANSLATABLE_PV_SOURCES } from "./pv-sources.js";
import { registryPrefixProblem } from "./registry-prefix.js";
import { parseResourceModifiers, type ResourceModifierRule } from "./resource-modifiers.js";

/** How a restore changes items on the way in: a RestoreSpec's transforms, checked and ready to use. */
export interface RestoreOptions {
  /** Source namespace -> target namespace; no two sources share a target. */
  namespaceMapping: Map<string, string>;
  storageClassMapping: Map<string, string>;
  /** Registry/repository prefixes, longest `from` first (the longest matching prefix wins). */
  imageRegistryMapping: Array<{ from: string; to: string }>;
  /** "resource.group/ns/name" or "ns/name" -> replica count. */
  replicas: Map<string, number>;
  /** In-tree PV source field (see TRANSLATABLE_PV_SOURCES) -> CSI driver. */
  pvSourceMapping: Map<string, string>;
  modifiers: ResourceModifierRule[];
  /** The spec's restore hooks, their init containers checked (label selectors are compiled where they are matched). */
  hooks: RestoreHook[];
}

// spec.replicas takes an int32 (apps/v1 DeploymentSpec.Replicas).
const MAX_REPLICAS = 2_147_483_647;
const REPLICA_RESOURCE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Checks a RestoreSpec's label selector, mappings, replicas, PV source mapping, resource
 * modifiers and hooks, and returns them ready to use. Throws INVALID_ARGUMENT naming the first bad
 * field (`spec.namespace_mapping["shop"]`), its value and what is valid. The hub calls this
 * before it queues a restore, the agent before it starts one.
 */
export function parseRestoreOptions(spec: RestoreSpec): RestoreOptions {
  parseLabelSelector(spec.labelSelector, "spec.label_selector");
  return {
    namespaceMapping: parseNamespaceMapping(spec.namespaceMapping),
    storageClassMapping: parseNameMapping(spec.storageClassMapping, "spec.storage_class_mapping", isDns1123Subdomain, "a storage class name (DNS-1123 subdomain: lower-case letters, digits, '-' and '.')"),
    imageRegistryMapping: parseImageRegistryMapping(spec.imageRegistryMapping),
    replicas: parseReplicas(spec.replicas),
    pvSourceMapping: parsePvSourceMapping(spec.pvSourceMapping),
    modifiers: spec.resourceModifiers.trim() === "" ? [] : parseResourceModifiers(spec.resourceModifiers),
    hooks: checkHooks(spec.hooks),
  };
}

function parseNamespaceMapping(mapping: Readonly<Record<string, string>>): Map<string, string> {
  const valid = "a namespace name (DNS-1123 label: lower-case letters, digits and '-', at most 63 characters)";
  const result = parseNameMapping(mapping, "spec.namespace_mapping", isDns1123Label, valid);
  const sourceOf = new Map<string, string>();
  for (const [from, to] of result) {
    const other = sourceOf.get(to);
    if (other !== undefined) {
      throw invalid(`spec.namespace_mapping["${from}"]`, to, `namespaces "${other}" and "${from}" both map onto "${to}"; each target namespace takes one source`);
    }
    sourceOf.set(to, from);
  }
  return result;
}

function parseNameMapping(mapping: Readonly<Record<string, string>>, field: string, isValid: (name: string) => boolean, valid: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const [from, to] of Object.entries(mapping)) {
    if (!isValid(from)) throw invalid(`${field}["${from}"]`, from, `the source is not ${valid}`);
    if (!isValid(to)) throw invalid(`${field}["${from}"]`, to, `the target is not ${valid}`);
    result.set(from, to);
  }
  return result;
}

function parseImageRegistryMapping(mapping: Readonly<Record<string, string>>): Array<{ from: string; to: string }> {
  const valid = 'give a registry/repository prefix such as "quay.io/coreos" or "registry.example:5000/mirror" (no scheme, tag or digest)';
  const result = Object.entries(mapping).map(([from, to]) => {
    const problem = registryPrefixProblem(from);
    if (problem) throw invalid(`spec.image_registry_mapping["${from}"]`, from, `the source prefix is not valid (${problem}); ${valid}`);
    const targetProblem = registryPrefixProblem(to);
    if (targetProblem) throw invalid(`spec.image_registry_mapping["${from}"]`, to, `the target prefix is not valid (${targetProblem}); ${valid}`);
    return { from, to };
  });
  return result.sort((a, b) => b.from.length - a.from.length);
}

function parseReplicas(replicas: Readonly<Record<string, number>>): Map<string, number> {
  const result = new Map<string, number>();
  for (const [key, count] of Object.entries(replicas)) {
    const field = `spec.replicas["${key}"]`;
    const parts = key.split("/");
    const [resource, namespace, name] = parts.length === 3 ? parts : [undefined, ...parts];
    const keyProblem =
      parts.length < 2 || parts.length > 3
        ? "it has neither the form ns/name nor resource.group/ns/name"
        : resource !== undefined && !REPLICA_RESOURCE.test(resource)
          ? `"${resource}" is not a resource such as "deployments.apps"`
          : !isDns1123Label(namespace ?? "")
            ? `"${namespace}" is not a namespace name`
            : !isDns1123Subdomain(name ?? "")
              ? `"${name}" is not an object name`
              : undefined;
    if (keyProblem) throw invalid(field, key, `${keyProblem}; use "ns/name" or "deployments.apps/ns/name"`);
    if (!Number.isInteger(count) || count < 0 || count > MAX_REPLICAS) throw invalid(field, String(count), `give a whole number from 0 to ${MAX_REPLICAS}`);
    result.set(key, count);
  }
  return result;
}

function parsePvSourceMapping(mapping: Readonly<Record<string, string>>): Map<string, string> {
  const result = new Map<string, string>();
  for (const [source, driver] of Object.entries(mapping)) {
    const field = `spec.pv_source_mapping["${source}"]`;
    if (!isTranslatablePvSource(source)) throw invalid(field, source, `not a PV source that can be translated to CSI; use one of ${TRANSLATABLE_PV_SOURCES.join(", ")}`);
    if (!isCsiDriverName(driver)) throw invalid(field, driver, 'not a CSI driver name such as "ebs.csi.aws.com" (DNS-1123 subdomain, at most 63 characters)');
    result.set(source, driver);
  }
  return result;
}

function checkHooks(hooks: readonly RestoreHook[]): RestoreHook[] {
  hooks.forEach((hook, i) => {
    parseLabelSelector(hook.labelSelector, `spec.hooks[${i}].label_selector`);
    const names = new Set<string>();
    hook.initContainers.forEach((container, j) => {
      const field = `spec.hooks[${i}].init_containers[${j}]`;
      if (!isDns1123Label(container.name)) throw invalid(`${field}.name`, container.name, "a container name is a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)");
      if (names.has(container.name)) throw invalid(`${field}.name`, container.name, "each init container of a hook needs its own name");
      names.add(container.name);
      if (container.image.trim() === "" || /\s/.test(container.image)) throw invalid(`${field}.image`, container.image, 'give an image reference such as "busybox:1.36"');
    });
  });
  return [...hooks];
}

function invalid(field: string, value: string, what: string): LifeboatError {
  return new LifeboatError("INVALID_ARGUMENT", `${field}: "${value}" is not valid: ${what}`, { field, value });
}
