import fastJsonPatch from "fast-json-patch";
import picomatch from "picomatch";
import { LifeboatError } from "../errors/index.js";
import { groupResourceMatcher } from "./group-resource-glob.js";
import { matchesLabelSelector } from "./label-selector-object.js";
import { applyMergePatch } from "./merge-patch.js";
import type { JsonPatchOperation, ResourceModifierRule } from "./resource-modifiers.js";

const { applyPatch } = fastJsonPatch;

/** Where an object sits, as the rules' conditions see it. */
export interface ModifierContext {
  /** "deployments.apps", "persistentvolumeclaims": the resource the object is applied as. */
  groupResource: string;
  /** The object's namespace in the backup ("" when cluster-scoped); Velero matches the source namespace, not the mapped one. */
  namespace: string;
}

interface PatchableObject {
  metadata?: { name?: string; labels?: Record<string, string> };
}

/**
 * Applies the rules whose conditions match, in order, and returns the result; `object` is never
 * changed. Conditions are tested against the object as given (so one rule's patch does not decide
 * whether a later rule matches, as in Velero). A JSON patch whose `test` operation fails leaves the
 * object as that rule found it (Velero's conditional patch). Any other failure, such as replacing
 * a path that does not exist, throws INVALID_ARGUMENT naming the rule and the object.
 */
export function applyResourceModifiers<T extends object>(object: T, rules: readonly ResourceModifierRule[], context: ModifierContext): T {
  let current: unknown = object;
  for (const rule of rules) {
    if (!ruleMatches(rule, object as PatchableObject, context)) continue;
    current = applyRule(rule, current, object as PatchableObject, context);
  }
  return current === object ? structuredClone(object) : (current as T);
}

function ruleMatches(rule: ResourceModifierRule, object: PatchableObject, context: ModifierContext): boolean {
  const { conditions } = rule;
  if (!compiled(rule).groupResource(context.groupResource)) return false;
  if (context.namespace !== "" && conditions.namespaces.length > 0 && !compiled(rule).namespace(context.namespace)) return false;
  if (!compiled(rule).name(object.metadata?.name ?? "")) return false;
  if (conditions.labelSelector && !matchesLabelSelector(conditions.labelSelector, object.metadata?.labels)) return false;
  if (conditions.matches.length > 0) {
    const tests: JsonPatchOperation[] = conditions.matches.map(({ path, value }) => ({ op: "test", path, value }));
    try {
      applyPatch(object, tests, true, false);
    } catch {
      return false; // a path that is missing or holds another value: no match
    }
  }
  return true;
}

function applyRule(rule: ResourceModifierRule, current: unknown, original: PatchableObject, context: ModifierContext): unknown {
  try {
    if (rule.patches.length > 0) {
      // Operations are cloned so the rule's values are never shared with (and changed through) the result.
      return applyPatch(current, structuredClone(rule.patches), true, false).newDocument;
    }
    return [...rule.mergePatches, ...rule.strategicPatches].reduce<unknown>((doc, patch) => applyMergePatch(doc, patch), current);
  } catch (err) {
    if ((err as { name?: string }).name === "TEST_OPERATION_FAILED") return current;
    const where = `${context.groupResource} ${context.namespace ? `${context.namespace}/` : ""}${original.metadata?.name ?? ""}`;
    throw new LifeboatError("INVALID_ARGUMENT", `resource_modifiers: ${rule.name}: patch failed on ${where}: ${(err as Error).message.split("\n")[0]}`, {
      field: `resource_modifiers: ${rule.name}`,
      value: where,
      // No cause: the patch library's error carries the whole object, which may be a Secret.
    });
  }
}

// Globs compiled once per rule, not once per object.
type Test = (text: string) => boolean;
const matchers = new WeakMap<ResourceModifierRule, { groupResource: Test; namespace: Test; name: Test }>();

function compiled(rule: ResourceModifierRule) {
  let found = matchers.get(rule);
  if (!found) {
    const { groupResource, namespaces, resourceNameRegex } = rule.conditions;
    const nameRegex = resourceNameRegex === undefined ? undefined : new RegExp(resourceNameRegex);
    found = {
      groupResource: groupResourceMatcher(groupResource),
      namespace: namespaces.length > 0 ? picomatch(namespaces, { dot: true }) : () => true,
      name: nameRegex ? (name) => nameRegex.test(name) : () => true,
    };
    matchers.set(rule, found);
  }
  return found;
}
