import { LifeboatError } from "./errors/index.js";

/** One requirement of a label selector, as Kubernetes defines them. */
type Requirement =
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!exists" };

export type LabelSelector = (labels: Readonly<Record<string, string>>) => boolean;

// Kubernetes' label key: an optional DNS-subdomain prefix and a name of up to 63 characters.
const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * Parses a Kubernetes equality- or set-based label selector ("env=prod,tier!=web",
 * "region in (eu, us)", "!legacy") into a predicate; the empty selector matches everything.
 * Throws INVALID_ARGUMENT naming `field` and the requirement at fault.
 */
export function parseLabelSelector(selector: string, field = "label_selector"): LabelSelector {
  const requirements = splitRequirements(selector, field).map((text) => parseRequirement(text, selector, field));
  return (labels) =>
    requirements.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      switch (r.op) {
        case "exists":
          return has;
        case "!exists":
          return !has;
        case "in":
          return has && r.values.includes(labels[r.key]!);
        case "notin":
          return !has || !r.values.includes(labels[r.key]!);
      }
    });
}

function invalid(field: string, selector: string, why: string): LifeboatError {
  return new LifeboatError("INVALID_ARGUMENT", `${field} ${JSON.stringify(selector)} is not a valid label selector: ${why}`, {
    field,
    value: selector,
  });
}

// Commas separate requirements except inside the parentheses of a set.
function splitRequirements(selector: string, field: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (depth < 0 || depth > 1) throw invalid(field, selector, "unbalanced parentheses");
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  if (depth !== 0) throw invalid(field, selector, "unbalanced parentheses");
  parts.push(current);
  const trimmed = parts.map((p) => p.trim());
  if (trimmed.length === 1 && trimmed[0] === "") return [];
  if (trimmed.some((p) => p === "")) throw invalid(field, selector, "an empty requirement (two commas in a row, or a trailing comma)");
  return trimmed;
}

function parseRequirement(text: string, selector: string, field: string): Requirement {
  const checkKey = (key: string): string => {
    if (!KEY.test(key)) throw invalid(field, selector, `${JSON.stringify(key)} is not a valid label key`);
    return key;
  };
  const checkValue = (value: string): string => {
    if (!VALUE.test(value)) throw invalid(field, selector, `${JSON.stringify(value)} is not a valid label value`);
    return value;
  };
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (set) {
    const values = set[3]!.split(",").map((v) => checkValue(v.trim()));
    return { key: checkKey(set[1]!), op: set[2] as "in" | "notin", values };
  }
  const equality = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (equality) {
    const op = equality[2] === "!=" ? "notin" : "in";
    return { key: checkKey(equality[1]!), op, values: [checkValue(equality[3]!)] };
  }
  if (text.startsWith("!")) return { key: checkKey(text.slice(1).trim()), op: "!exists" };
  if (/^\S+$/.test(text)) return { key: checkKey(text), op: "exists" };
  throw invalid(field, selector, `cannot read requirement ${JSON.stringify(text)}; use key=value, key!=value, key in (a,b), key notin (a,b), key or !key`);
}
