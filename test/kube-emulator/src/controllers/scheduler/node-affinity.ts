import type { JsonObject, KubeObject } from "../../api-types.js";

/**
 * Node selection as k8s.io/component-helpers/scheduling/corev1/nodeaffinity does it, for the
 * scheduler's NodeAffinity filter and for PersistentVolume node affinity (VolumeBinding).
 */

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});
const asArray = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/** Gt and Lt compare the label and the one value as integers (strconv.ParseInt); anything else does not match. */
function parseInteger(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** One requirement against the value (undefined when absent) of a label or field. */
export function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || values.length !== 1) return false;
      const have = parseInteger(value);
      const want = parseInteger(values[0]!);
      if (have === undefined || want === undefined) return false;
      return req.operator === "Gt" ? have > want : have < want;
    }
    default:
      return false;
  }
}

/**
 * A NodeSelectorTerm: every label expression and every field expression matches. Only
 * metadata.name is a field nodes are selected by. A term with neither matches nothing.
 */
export function nodeSelectorTermMatches(term: JsonObject, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  const expressions = asArray<NodeSelectorRequirement>(term.matchExpressions);
  const fields = asArray<NodeSelectorRequirement>(term.matchFields);
  if (expressions.length === 0 && fields.length === 0) return false;
  return (
    expressions.every((r) => requirementMatches(r, labels[r.key])) &&
    fields.every((r) => r.key === "metadata.name" && requirementMatches(r, node.metadata.name))
  );
}

/** A NodeSelector: the terms are ORed; an empty list matches nothing. */
export function nodeSelectorMatches(selector: JsonObject, node: KubeObject): boolean {
  return asArray<JsonObject>(selector.nodeSelectorTerms).some((term) => nodeSelectorTermMatches(asObject(term), node));
}

/**
 * GetRequiredNodeAffinity(pod).Match(node): every spec.nodeSelector label, and, when the pod
 * has requiredDuringSchedulingIgnoredDuringExecution, one of its terms.
 */
export function podMatchesNodeAffinity(podSpec: JsonObject, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(asObject(podSpec.nodeSelector))) {
    if (labels[key] !== value) return false;
  }
  const nodeAffinity = asObject(asObject(podSpec.affinity).nodeAffinity);
  const required = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined || required === null) return true;
  return nodeSelectorMatches(asObject(required), node);
}

/** A PersistentVolume's spec.nodeAffinity.required allows the node (no affinity allows all). */
export function volumeAllowsNode(pv: KubeObject, node: KubeObject): boolean {
  const required = asObject(asObject(asObject(pv.spec).nodeAffinity).required);
  if (!("nodeSelectorTerms" in required)) return true;
  return nodeSelectorMatches(required, node);
}

/**
 * A StorageClass's allowedTopologies (TopologySelectorTerms: label key and allowed values,
 * terms ORed) admit the node; no allowedTopologies admits every node.
 */
export function topologyAllowsNode(storageClass: KubeObject | undefined, node: KubeObject): boolean {
  const terms = asArray<JsonObject>(storageClass?.allowedTopologies);
  if (terms.length === 0) return true;
  const labels = node.metadata.labels ?? {};
  return terms.some((term) =>
    asArray<JsonObject>(term.matchLabelExpressions).every((e) => {
      const value = labels[String(e.key)];
      return value !== undefined && asArray<string>(e.values).includes(value);
    }),
  );
}
