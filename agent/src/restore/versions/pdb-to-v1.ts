import type { KubeObject } from "../types.js";
import { asArray, asRecord } from "./json-fields.js";

// The label the API server's conversion uses to spell v1beta1's selectors in v1 (and back).
const DEPRECATED_EMPTY_SELECTOR_LABEL = "pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match";

/**
 * Rewrites a policy/v1beta1 PodDisruptionBudget (in place) into policy/v1. The spec keeps its
 * fields, but an empty selector changed meaning: it selects no pod in v1beta1 and every pod of
 * the namespace in v1. Kept as it is, a restored "protects nothing" budget would block evictions
 * of the whole namespace, so the selector is rewritten as the API server's own conversion does
 * (pkg/apis/policy/v1beta1/conversion.go): v1beta1's empty selector becomes one that matches
 * nothing in v1, and the selector v1 writes for "everything" when read as v1beta1 becomes empty.
 */
export function convertPodDisruptionBudgetToV1(object: KubeObject): void {
  const spec = asRecord(object.spec);
  const selector = asRecord(spec?.selector);
  if (!spec || !selector) return;
  if (isEmptySelector(selector)) spec.selector = { matchExpressions: [{ key: DEPRECATED_EMPTY_SELECTOR_LABEL, operator: "Exists" }] };
  else if (isOnly(selector, "DoesNotExist")) spec.selector = {};
}

function isEmptySelector(selector: Record<string, unknown>): boolean {
  const labels = asRecord(selector.matchLabels);
  const expressions = asArray(selector.matchExpressions);
  return (labels === undefined || Object.keys(labels).length === 0) && (expressions === undefined || expressions.length === 0);
}

function isOnly(selector: Record<string, unknown>, operator: string): boolean {
  const expressions = asArray(selector.matchExpressions);
  const labels = asRecord(selector.matchLabels);
  if (!expressions || expressions.length !== 1 || (labels && Object.keys(labels).length > 0)) return false;
  const expression = asRecord(expressions[0]);
  return expression?.key === DEPRECATED_EMPTY_SELECTOR_LABEL && expression.operator === operator;
}
