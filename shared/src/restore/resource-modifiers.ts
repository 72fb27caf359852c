import { parseDocument } from "yaml";
import { LifeboatError } from "../errors/index.js";
import { groupResourceGlobProblem } from "./group-resource-glob.js";
import type { LabelSelectorObject } from "./label-selector-object.js";
import { readPatchValue } from "./patch-value.js";

/** One JSON patch operation (RFC 6902), with its value already read. */
export type JsonPatchOperation =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "move" | "copy"; from: string; path: string };

export interface ResourceModifierConditions {
  /** A glob over "resource.group" ("deployments.apps", "*.apps", "persistentvolumeclaims"). */
  groupResource: string;
  /** Searched in the object's name (unanchored, as Go's regexp.MatchString); absent matches all. */
  resourceNameRegex?: string;
  /** Namespaces (names or globs) of the item in the backup; empty matches all; ignored for cluster-scoped items. */
  namespaces: string[];
  labelSelector?: LabelSelectorObject;
  /** Every path must hold the value (a JSON patch test) for the rule to apply. */
  matches: Array<{ path: string; value: unknown }>;
}

/**
 * One rule of a resource modifier document. A rule carries exactly one kind of patch. Strategic
 * merge patches are applied as JSON merge patches: without the target's OpenAPI schema there is
 * no patch strategy per list, so lists are replaced, not merged by key.
 */
export interface ResourceModifierRule {
  /** "resourceModifierRules[0]": where the rule is in its document, for messages. */
  name: string;
  conditions: ResourceModifierConditions;
  patches: JsonPatchOperation[];
  mergePatches: Array<Record<string, unknown>>;
  strategicPatches: Array<Record<string, unknown>>;
}

const FIELD = "resource_modifiers";
const OPERATIONS = ["add", "remove", "replace", "move", "copy", "test"];
const SELECTOR_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"];

/**
 * Parses a Velero-compatible resource modifier document (YAML or JSON):
 *
 *   version: v1
 *   resourceModifierRules:
 *   - conditions: { groupResource, resourceNameRegex?, namespaces?, labelSelector?, matches? }
 *     patches: [{ operation (or op), path, value?, from? }]   # or mergePatches / strategicPatches: [{ patchData }]
 *
 * Every field is checked; unknown fields are rejected, as Velero's strict decoding does. Throws
 * INVALID_ARGUMENT naming the field, e.g. `resource_modifiers: resourceModifierRules[0].patches[1].operation`.
 */
export function parseResourceModifiers(text: string): ResourceModifierRule[] {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    throw new LifeboatError("INVALID_ARGUMENT", `${FIELD}: not a YAML or JSON document: ${first.message}`, { field: FIELD, value: "", cause: first });
  }
  const root = document.toJS() as unknown;
  const top = objectAt(root, "", ["version", "resourceModifierRules"]);
  if (typeof top.version !== "string" || top.version.toLowerCase() !== "v1") {
    throw invalid("version", top.version, 'the only supported version is "v1"');
  }
  const rules = top.resourceModifierRules;
  if (!Array.isArray(rules) || rules.length === 0) throw invalid("resourceModifierRules", rules, "give a non-empty list of rules");
  return rules.map((rule, i) => parseRule(rule, `resourceModifierRules[${i}]`));
}

function parseRule(raw: unknown, at: string): ResourceModifierRule {
  const rule = objectAt(raw, at, ["conditions", "patches", "mergePatches", "strategicPatches"]);
  const patches = listAt(rule.patches, `${at}.patches`).map((p, i) => parsePatch(p, `${at}.patches[${i}]`));
  const mergePatches = listAt(rule.mergePatches, `${at}.mergePatches`).map((p, i) => parsePatchData(p, `${at}.mergePatches[${i}]`));
  const strategicPatches = listAt(rule.strategicPatches, `${at}.strategicPatches`).map((p, i) => parsePatchData(p, `${at}.strategicPatches[${i}]`));
  const kinds = [patches, mergePatches, strategicPatches].filter((list) => list.length > 0).length;
  if (kinds !== 1) {
    throw invalid(at, "", kinds === 0 ? "give patches, mergePatches or strategicPatches" : "give only one of patches, mergePatches, strategicPatches per rule (Velero applies only the first)");
  }
  return { name: at, conditions: parseConditions(rule.conditions, `${at}.conditions`), patches, mergePatches, strategicPatches };
}

function parseConditions(raw: unknown, at: string): ResourceModifierConditions {
  const c = objectAt(raw, at, ["groupResource", "resourceNameRegex", "namespaces", "labelSelector", "matches"]);
  const groupResource = stringAt(c.groupResource, `${at}.groupResource`);
  const globProblem = groupResource === "" ? "it is empty" : groupResourceGlobProblem(groupResource);
  if (globProblem) throw invalid(`${at}.groupResource`, groupResource, `give "resource.group" or a glob such as "*.apps" (${globProblem})`);
  const conditions: ResourceModifierConditions = {
    groupResource,
    namespaces: listAt(c.namespaces, `${at}.namespaces`).map((ns, i) => nonEmptyStringAt(ns, `${at}.namespaces[${i}]`)),
    matches: listAt(c.matches, `${at}.matches`).map((m, i) => {
      const match = objectAt(m, `${at}.matches[${i}]`, ["path", "value"]);
      return { path: pointerAt(match.path, `${at}.matches[${i}].path`), value: readPatchValue(match.value ?? "", `${at}.matches[${i}].value`) };
    }),
  };
  if (c.resourceNameRegex !== undefined) {
    const regex = stringAt(c.resourceNameRegex, `${at}.resourceNameRegex`);
    try {
      new RegExp(regex);
    } catch (err) {
      throw invalid(`${at}.resourceNameRegex`, regex, `give a regular expression (${(err as Error).message})`);
    }
    conditions.resourceNameRegex = regex;
  }
  if (c.labelSelector !== undefined) conditions.labelSelector = parseLabelSelectorObject(c.labelSelector, `${at}.labelSelector`);
  return conditions;
}

function parseLabelSelectorObject(raw: unknown, at: string): LabelSelectorObject {
  const s = objectAt(raw, at, ["matchLabels", "matchExpressions"]);
  const selector: LabelSelectorObject = {};
  if (s.matchLabels !== undefined) {
    const labels = objectAt(s.matchLabels, `${at}.matchLabels`);
    selector.matchLabels = {};
    for (const [key, value] of Object.entries(labels)) {
      selector.matchLabels[nonEmptyStringAt(key, `${at}.matchLabels`)] = stringAt(value, `${at}.matchLabels["${key}"]`);
    }
  }
  if (s.matchExpressions !== undefined) {
    selector.matchExpressions = listAt(s.matchExpressions, `${at}.matchExpressions`).map((e, i) => {
      const where = `${at}.matchExpressions[${i}]`;
      const expression = objectAt(e, where, ["key", "operator", "values"]);
      const key = nonEmptyStringAt(expression.key, `${where}.key`);
      const operator = stringAt(expression.operator, `${where}.operator`);
      if (!SELECTOR_OPERATORS.includes(operator)) throw invalid(`${where}.operator`, operator, `use one of ${SELECTOR_OPERATORS.join(", ")}`);
      const values = listAt(expression.values, `${where}.values`).map((v, j) => stringAt(v, `${where}.values[${j}]`));
      const needsValues = operator === "In" || operator === "NotIn";
      if (needsValues !== values.length > 0) {
        throw invalid(`${where}.values`, values.join(","), needsValues ? `${operator} needs at least one value` : `${operator} takes no values`);
      }
      return { key, operator: operator as "In" | "NotIn" | "Exists" | "DoesNotExist", ...(needsValues ? { values } : {}) };
    });
  }
  return selector;
}

function parsePatch(raw: unknown, at: string): JsonPatchOperation {
  const p = objectAt(raw, at, ["operation", "op", "path", "value", "from"]);
  // Velero spells it "operation"; RFC 6902 spells it "op". Either is read.
  const opKey = p.operation !== undefined ? "operation" : "op";
  if (p.operation !== undefined && p.op !== undefined) throw invalid(`${at}.op`, p.op, 'give "operation" or "op", not both');
  const op = stringAt(p[opKey], `${at}.${opKey}`).toLowerCase();
  if (!OPERATIONS.includes(op)) throw invalid(`${at}.${opKey}`, p[opKey], `use one of ${OPERATIONS.join(", ")}`);
  const path = pointerAt(p.path, `${at}.path`);
  if (op === "move" || op === "copy") return { op, from: pointerAt(p.from, `${at}.from`), path };
  if (p.from !== undefined) throw invalid(`${at}.from`, p.from, `only move and copy take "from"`);
  if (op === "remove") {
    if (p.value !== undefined) throw invalid(`${at}.value`, p.value, "remove takes no value");
    return { op, path };
  }
  if (p.value === undefined) throw invalid(`${at}.value`, "", `${op} needs a value`);
  return { op: op as "add" | "replace" | "test", path, value: readPatchValue(p.value, `${at}.value`) };
}

// mergePatches and strategicPatches entries are { patchData: "<YAML or JSON>" }, as Velero
// writes them; a map in place of the string is taken as it is.
function parsePatchData(raw: unknown, at: string): Record<string, unknown> {
  const entry = objectAt(raw, at, ["patchData"]);
  let data = entry.patchData;
  if (typeof data === "string") {
    const document = parseDocument(data, { uniqueKeys: true, prettyErrors: false });
    if (document.errors.length > 0) throw invalid(`${at}.patchData`, data, `give a YAML or JSON map (${document.errors[0]!.message})`);
    data = document.toJS() as unknown;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw invalid(`${at}.patchData`, data, "give a map: the fields to merge into the object");
  return data as Record<string, unknown>;
}

// --- field readers: each throws INVALID_ARGUMENT naming the field ---

function objectAt(value: unknown, at: string, known?: string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(at || "(document)", value, "give a map");
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (known && !known.includes(key)) throw invalid(at ? `${at}.${key}` : key, key, `unknown field; known fields are ${known.join(", ")}`);
  }
  return object;
}

function listAt(value: unknown, at: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(at, value, "give a list");
  return value;
}

function stringAt(value: unknown, at: string): string {
  if (typeof value !== "string") throw invalid(at, value, "give a string");
  return value;
}

function nonEmptyStringAt(value: unknown, at: string): string {
  const text = stringAt(value, at);
  if (text === "") throw invalid(at, text, "give a non-empty string");
  return text;
}

function pointerAt(value: unknown, at: string): string {
  const pointer = stringAt(value, at);
  if (!pointer.startsWith("/")) throw invalid(at, pointer, 'give a JSON pointer such as "/spec/replicas"');
  return pointer;
}

function invalid(at: string, value: unknown, what: string): LifeboatError {
  const shown = typeof value === "string" ? value : JSON.stringify(value) ?? "undefined";
  return new LifeboatError("INVALID_ARGUMENT", `${FIELD}: ${at}: ${JSON.stringify(shown)} is not valid: ${what}`, { field: `${FIELD}: ${at}`, value: shown });
}
