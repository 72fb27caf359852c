import { badRequest } from "../http/status-error.js";
import { parseRequirements } from "./label-parser.js";
import { aggregate, invalidValue, isQualifiedName, isValidLabelValue } from "./validation.js";

/**
 * Label selectors, after k8s.io/apimachinery/pkg/labels/selector.go. Operators
 * are spelled as selection.Operator spells them.
 */
export type LabelOperator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelector {
  /** ANDed; none means "everything". */
  requirements: LabelRequirement[];
  /** labels.Nothing(): what a nil metav1.LabelSelector converts to. */
  matchesNothing?: boolean;
}

/** metav1.LabelSelector as it appears in objects. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] | null }> | null;
}

export const everything = (): LabelSelector => ({ requirements: [] });

/**
 * Parses the `labelSelector` query syntax (`a=b,c in (x,y),!d`). Errors are the
 * parser's own text (`unable to parse requirement: ...`, `found ',', expected: ...`)
 * as a 400, which is how the apiserver reports a bad selector on list and watch.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements = parseRequirements(text);
  return { requirements: sortByKey(requirements) };
}

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, an empty
 * selector everything. Errors are NewRequirement's, without the parser's prefix.
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | null | undefined): LabelSelector {
  if (sel === null || sel === undefined) return { requirements: [], matchesNothing: true };
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    requirements.push(newRequirement(key, "=", [value], "key"));
  }
  for (const expr of sel.matchExpressions ?? []) {
    const operator = OBJECT_OPERATORS[expr.operator];
    if (!operator) throw badRequest(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    requirements.push(newRequirement(expr.key, operator, [...(expr.values ?? [])], "key"));
  }
  return { requirements: sortByKey(requirements) };
}

const OBJECT_OPERATORS: Record<string, LabelOperator> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

/**
 * labels.NewRequirement's checks. `keyPath` is where key errors point: "key" for
 * selectors built from objects; the parser checks keys itself, against a nil path.
 */
export function newRequirement(key: string, operator: LabelOperator, values: string[], keyPath = "key"): LabelRequirement {
  const problem = requirementProblem(key, operator, values, keyPath);
  if (problem !== undefined) throw badRequest(problem);
  return { key, operator, values };
}

/** What is wrong with a requirement, as NewRequirement's aggregated field errors word it. */
export function requirementProblem(
  key: string,
  operator: LabelOperator,
  values: string[],
  keyPath = "key",
): string | undefined {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalidValue(keyPath, key, keyErrs.join("; ")));
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0) errs.push(invalidValue("values", values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1) errs.push(invalidValue("values", values, "exact-match compatibility requires one single value"));
      break;
    case "exists":
    case "!":
      if (values.length !== 0) errs.push(invalidValue("values", values, "values set must be empty for exists and does not exist"));
      break;
    case "gt":
    case "lt":
      if (values.length !== 1) errs.push(invalidValue("values", values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalidValue(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length > 0) errs.push(invalidValue(`values[${i}][${key}]`, v, valueErrs.join("; ")));
  });
  return errs.length > 0 ? aggregate(errs) : undefined;
}

/** Requirement.Matches; an absent label set is empty. */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (selector.matchesNothing) return false;
  const set = labels ?? {};
  return selector.requirements.every((r) => matchesRequirement(r, set));
}

function matchesRequirement(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case "in":
    case "=":
    case "==":
      return has && r.values.includes(value as string);
    case "notin":
    case "!=":
      return !has || !r.values.includes(value as string);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (!has || r.values.length !== 1) return false;
      const actual = parseInt64(value as string);
      const bound = parseInt64(r.values[0] as string);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === "gt" ? actual > bound : actual < bound;
    }
  }
}

/** Selector.String(): the canonical text, values sorted. Nothing and everything both print as "". */
export function formatLabelSelector(selector: LabelSelector): string {
  if (selector.matchesNothing) return "";
  return selector.requirements.map(formatRequirement).join(",");
}

const OPERATOR_TEXT: Record<LabelOperator, string> = {
  "=": "=",
  "==": "==",
  "!=": "!=",
  in: " in ",
  notin: " notin ",
  gt: ">",
  lt: "<",
  exists: "",
  "!": "",
};

function formatRequirement(r: LabelRequirement): string {
  const head = (r.operator === "!" ? "!" : "") + r.key;
  if (r.operator === "exists" || r.operator === "!") return head;
  const values = r.values.length === 1 ? (r.values[0] as string) : [...r.values].sort().join(",");
  const body = r.operator === "in" || r.operator === "notin" ? `(${values})` : values;
  return head + OPERATOR_TEXT[r.operator] + body;
}

export function isEverything(selector: LabelSelector): boolean {
  return !selector.matchesNothing && selector.requirements.length === 0;
}

/** The apiserver sorts requirements by key so that equal selectors print alike. */
function sortByKey(requirements: LabelRequirement[]): LabelRequirement[] {
  return [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** strconv.ParseInt(s, 10, 64). */
export function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n < -(2n ** 63n) || n >= 2n ** 63n ? undefined : n;
}
