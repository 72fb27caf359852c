import type { JsonObject } from "../api-types.js";
import { badRequest } from "../http/status-error.js";

/**
 * Field selectors, after k8s.io/apimachinery/pkg/fields/selector.go: terms
 * `field=value`, `field==value` or `field!=value` joined by commas. In values,
 * `\,` `\=` and `\\` escape; the field name is taken literally up to the first
 * operator. Nothing is trimmed: "a = b" selects field "a " on value " b".
 */
export type FieldOperator = "=" | "==" | "!=";

export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  value: string;
}

export interface FieldSelector {
  /** ANDed; none means "everything". */
  requirements: FieldRequirement[];
}

const OPERATORS: FieldOperator[] = ["!=", "==", "="];

/** Parses `fieldSelector` query text; errors are the parser's messages as a 400. */
export function parseFieldSelector(text: string): FieldSelector {
  // The parser sorts the raw terms, which decides which bad term is reported first.
  const terms = splitTerms(text).sort();
  const requirements: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === "") continue;
    const split = splitTerm(term);
    if (!split) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    requirements.push({ field: split.field, operator: split.operator, value: unescapeValue(split.rhs) });
  }
  return { requirements };
}

/** Commas split terms unless escaped; the backslash stays for unescapeValue. */
function splitTerms(text: string): string[] {
  if (text === "") return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (escaped) escaped = false;
    else if (c === "\\") escaped = true;
    else if (c === ",") {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

function splitTerm(term: string): { field: string; operator: FieldOperator; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const operator of OPERATORS) {
      if (term.startsWith(operator, i)) return { field: term.slice(0, i), operator, rhs: term.slice(i + operator.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue, with its error messages. */
function unescapeValue(raw: string): string {
  let out = "";
  let escaped = false;
  for (const c of raw) {
    if (escaped) {
      if (c !== "\\" && c !== "," && c !== "=") {
        throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      escaped = false;
    } else if (c === "\\") escaped = true;
    else if (c === "," || c === "=") {
      // Go prints the rune with %v, i.e. as its code point.
      throw badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (escaped) throw badRequest("invalid field selector: invalid escape sequence: \\");
  return out;
}

/** fields.EscapeValue. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Selector.String(). */
export function formatFieldSelector(selector: FieldSelector): string {
  return selector.requirements
    .map((r) => `${r.field}${r.operator === "!=" ? "!=" : "="}${escapeFieldValue(r.value)}`)
    .join(",");
}

/**
 * Whether `obj` satisfies every requirement. `resolve` yields a field's value as
 * the server's ToSelectableFields would; an unset field reads as "", as
 * fields.Set.Get does.
 */
export function matchesFields(
  selector: FieldSelector,
  obj: JsonObject,
  resolve: (obj: JsonObject, field: string) => string | undefined,
): boolean {
  return selector.requirements.every((r) => {
    const actual = resolve(obj, r.field) ?? "";
    return r.operator === "!=" ? actual !== r.value : actual === r.value;
  });
}
