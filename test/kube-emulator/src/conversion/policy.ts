import type { JsonObject, JsonValue, KubeObject } from "../api-types.js";
import type { ConversionFamily, Spoke } from "./types.js";
import { identity } from "./types.js";
import { asArray, asObject, jsonEqual } from "./util.js";

/**
 * PodDisruptionBudget policy/v1beta1 <-> policy/v1 (pkg/apis/policy/v1beta1/conversion.go).
 * The fields are the same, but an empty selector means opposite things: it selects no pods
 * in v1beta1 and every pod of the namespace in v1. Upstream swaps the two special selectors
 * so each version keeps its meaning:
 *   v1beta1 {}                       <-> v1 {matchExpressions: [{key: PDB_V1BETA1_LABEL, operator: Exists}]}   (matches none)
 *   v1beta1 {... DoesNotExist}       <-> v1 {}                                                                 (matches all)
 *
 * PodSecurityPolicy extensions/v1beta1 (until 1.16) is the policy/v1beta1 schema.
 */

export const PDB_V1BETA1_LABEL = "pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match";

const matchNoneInV1: JsonObject = { matchExpressions: [{ key: PDB_V1BETA1_LABEL, operator: "Exists" }] };
const matchAllInV1beta1: JsonObject = { matchExpressions: [{ key: PDB_V1BETA1_LABEL, operator: "DoesNotExist" }] };

/** Empty the way Go's semantic equality sees it: nil and empty maps/lists are equal. */
function isEmptySelector(value: JsonValue | undefined): boolean {
  const s = asObject(value);
  if (!s) return false;
  const labels = asObject(s.matchLabels);
  const exprs = asArray(s.matchExpressions);
  const rest = Object.keys(s).filter((k) => k !== "matchLabels" && k !== "matchExpressions" && s[k] !== undefined);
  return rest.length === 0 && (s.matchLabels == null || (labels !== undefined && Object.keys(labels).length === 0)) && (s.matchExpressions == null || exprs?.length === 0);
}

function swapSelector(obj: KubeObject, emptyTo: JsonObject, toEmpty: JsonObject): KubeObject {
  const spec = asObject(obj.spec);
  if (!spec || spec.selector === undefined || spec.selector === null) return obj;
  if (isEmptySelector(spec.selector)) spec.selector = structuredClone(emptyTo);
  else if (jsonEqual(spec.selector, toEmpty)) spec.selector = {};
  return obj;
}

const pdbV1beta1: Spoke = {
  toHub: (obj) => swapSelector(obj, matchNoneInV1, matchAllInV1beta1),
  fromHub: (obj) => swapSelector(obj, matchAllInV1beta1, matchNoneInV1),
};

export const policyFamilies: ConversionFamily[] = [
  {
    storageKey: "policy/poddisruptionbudgets",
    kind: "PodDisruptionBudget",
    hub: { group: "policy", version: "v1" },
    spokes: { "policy/v1beta1": pdbV1beta1 },
  },
  {
    storageKey: "policy/podsecuritypolicies",
    kind: "PodSecurityPolicy",
    hub: { group: "policy", version: "v1beta1" },
    spokes: { "extensions/v1beta1": identity },
  },
];
