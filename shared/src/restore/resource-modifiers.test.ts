import { describe, expect, it } from "vitest";
import { parseResourceModifiers } from "./resource-modifiers.js";

const VELERO_EXAMPLE = `
version: v1
resourceModifierRules:
- conditions:
    groupResource: persistentvolumeclaims
    resourceNameRegex: "^mysql.*$"
    namespaces: [bar, foo]
    labelSelector:
      matchLabels: { foo: bar }
      matchExpressions: [{ key: tier, operator: In, values: [db] }]
    matches:
    - path: /spec/storageClassName
      value: gp2
  patches:
  - operation: replace
    path: /spec/storageClassName
    value: premium
  - operation: remove
    path: /metadata/labels/test
- conditions: { groupResource: "*.apps" }
  patches:
  - op: replace
    path: /spec/replicas
    value: "0"
  - operation: copy
    from: /metadata/labels/app
    path: /metadata/annotations/app
- conditions: { groupResource: pods }
  mergePatches:
  - patchData: |
      metadata:
        annotations:
          foo: null
- conditions: { groupResource: deployments.apps }
  strategicPatches:
  - patchData: '{"spec":{"template":{"spec":{"hostNetwork":false}}}}'
`;

describe("parseResourceModifiers", () => {
  it("reads Velero's documented form", () => {
    const rules = parseResourceModifiers(VELERO_EXAMPLE);
    expect(rules).toHaveLength(4);
    expect(rules[0]).toMatchObject({
      name: "resourceModifierRules[0]",
      conditions: {
        groupResource: "persistentvolumeclaims",
        resourceNameRegex: "^mysql.*$",
        namespaces: ["bar", "foo"],
        labelSelector: { matchLabels: { foo: "bar" }, matchExpressions: [{ key: "tier", operator: "In", values: ["db"] }] },
        matches: [{ path: "/spec/storageClassName", value: "gp2" }],
      },
      patches: [
        { op: "replace", path: "/spec/storageClassName", value: "premium" },
        { op: "remove", path: "/metadata/labels/test" },
      ],
    });
    // Velero sends a string that reads as a number as the number.
    expect(rules[1]!.patches).toEqual([
      { op: "replace", path: "/spec/replicas", value: 0 },
      { op: "copy", from: "/metadata/labels/app", path: "/metadata/annotations/app" },
    ]);
    expect(rules[2]!.mergePatches).toEqual([{ metadata: { annotations: { foo: null } } }]);
    expect(rules[3]!.strategicPatches).toEqual([{ spec: { template: { spec: { hostNetwork: false } } } }]);
  });

  it("reads the same document as JSON", () => {
    const json = JSON.stringify({ version: "v1", resourceModifierRules: [{ conditions: { groupResource: "pods" }, patches: [{ operation: "add", path: "/metadata/labels/x", value: "y" }] }] });
    expect(parseResourceModifiers(json)[0]!.patches).toEqual([{ op: "add", path: "/metadata/labels/x", value: "y" }]);
  });

  it.each([
    ["\"true\"", "true"],
    ["true", true],
    ["null", null],
    ["3.5", 3.5],
    ['{"a":1}', { a: 1 }],
    ["[1,2]", [1, 2]],
    ["premium", "premium"],
  ])("reads the string value %j as Velero does", (value, expected) => {
    const text = `version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n  patches: [{operation: add, path: /x, value: ${JSON.stringify(value)}}]`;
    expect(parseResourceModifiers(text)[0]!.patches[0]).toEqual({ op: "add", path: "/x", value: expected });
  });

  const rule = (body: string) => `version: v1\nresourceModifierRules:\n- ${body}`;
  const pvc = "conditions: {groupResource: persistentvolumeclaims}";

  it.each([
    ["YAML that does not parse", "version: v1\nresourceModifierRules: [", "resource_modifiers"],
    ["a document that is a list", "- a\n- b", "resource_modifiers: (document)"],
    ["an unknown top-level field", "version: v1\nrules: []", "resource_modifiers: rules"],
    ["a missing version", "resourceModifierRules: []", "resource_modifiers: version"],
    ["version v2", "version: v2\nresourceModifierRules: []", "resource_modifiers: version"],
    ["no rules", "version: v1\nresourceModifierRules: []", "resource_modifiers: resourceModifierRules"],
    ["rules that are a map", "version: v1\nresourceModifierRules: {a: 1}", "resource_modifiers: resourceModifierRules"],
    ["a rule without conditions", rule("patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions"],
    ["a rule with an unknown field", rule(`${pvc}\n  patch: []`), "resource_modifiers: resourceModifierRules[0].patch"],
    ["a rule without patches", rule(pvc), "resource_modifiers: resourceModifierRules[0]"],
    ["a rule with two kinds of patch", rule(`${pvc}\n  patches: [{operation: remove, path: /a}]\n  mergePatches: [{patchData: "{}"}]`), "resource_modifiers: resourceModifierRules[0]"],
    ["an empty groupResource", rule("conditions: {groupResource: ''}\n  patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions.groupResource"],
    ["a groupResource with '/'", rule("conditions: {groupResource: apps/deployments}\n  patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions.groupResource"],
    ["an unknown condition", rule("conditions: {groupResource: pods, kind: Pod}\n  patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions.kind"],
    ["a regex that does not compile", rule("conditions: {groupResource: pods, resourceNameRegex: '(a'}\n  patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions.resourceNameRegex"],
    ["namespaces that are a string", rule("conditions: {groupResource: pods, namespaces: shop}\n  patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions.namespaces"],
    ["an empty namespace", rule("conditions: {groupResource: pods, namespaces: ['']}\n  patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions.namespaces[0]"],
    ["a matchLabels value that is a list", rule("conditions: {groupResource: pods, labelSelector: {matchLabels: {a: [b]}}}\n  patches: [{operation: remove, path: /a}]"), 'resource_modifiers: resourceModifierRules[0].conditions.labelSelector.matchLabels["a"]'],
    ["an unknown selector operator", rule("conditions: {groupResource: pods, labelSelector: {matchExpressions: [{key: a, operator: Gt, values: ['1']}]}}\n  patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions.labelSelector.matchExpressions[0].operator"],
    ["In without values", rule("conditions: {groupResource: pods, labelSelector: {matchExpressions: [{key: a, operator: In}]}}\n  patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions.labelSelector.matchExpressions[0].values"],
    ["Exists with values", rule("conditions: {groupResource: pods, labelSelector: {matchExpressions: [{key: a, operator: Exists, values: [b]}]}}\n  patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions.labelSelector.matchExpressions[0].values"],
    ["a selector without key", rule("conditions: {groupResource: pods, labelSelector: {matchExpressions: [{operator: Exists}]}}\n  patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions.labelSelector.matchExpressions[0].key"],
    ["a match path that is not a pointer", rule("conditions: {groupResource: pods, matches: [{path: spec.x, value: a}]}\n  patches: [{operation: remove, path: /a}]"), "resource_modifiers: resourceModifierRules[0].conditions.matches[0].path"],
    ["an unknown operation", rule(`${pvc}\n  patches: [{operation: remove, path: /a}, {operation: delete, path: /a}]`), "resource_modifiers: resourceModifierRules[0].patches[1].operation"],
    ["an unknown op", rule(`${pvc}\n  patches: [{op: upsert, path: /a}]`), "resource_modifiers: resourceModifierRules[0].patches[0].op"],
    ["both operation and op", rule(`${pvc}\n  patches: [{op: add, operation: add, path: /a, value: b}]`), "resource_modifiers: resourceModifierRules[0].patches[0].op"],
    ["a missing operation", rule(`${pvc}\n  patches: [{path: /a}]`), "resource_modifiers: resourceModifierRules[0].patches[0].op"],
    ["a path that is not a pointer", rule(`${pvc}\n  patches: [{operation: remove, path: spec/a}]`), "resource_modifiers: resourceModifierRules[0].patches[0].path"],
    ["a missing path", rule(`${pvc}\n  patches: [{operation: remove}]`), "resource_modifiers: resourceModifierRules[0].patches[0].path"],
    ["move without from", rule(`${pvc}\n  patches: [{operation: move, path: /a}]`), "resource_modifiers: resourceModifierRules[0].patches[0].from"],
    ["from on an add", rule(`${pvc}\n  patches: [{operation: add, from: /b, path: /a, value: x}]`), "resource_modifiers: resourceModifierRules[0].patches[0].from"],
    ["a value on a remove", rule(`${pvc}\n  patches: [{operation: remove, path: /a, value: x}]`), "resource_modifiers: resourceModifierRules[0].patches[0].value"],
    ["replace without value", rule(`${pvc}\n  patches: [{operation: replace, path: /a}]`), "resource_modifiers: resourceModifierRules[0].patches[0].value"],
    ["a value that looks like JSON but is not", rule(`${pvc}\n  patches: [{operation: add, path: /a, value: '{a: 1'}]`), "resource_modifiers: resourceModifierRules[0].patches[0].value"],
    ["an unknown patch field", rule(`${pvc}\n  patches: [{operation: remove, path: /a, when: now}]`), "resource_modifiers: resourceModifierRules[0].patches[0].when"],
    ["patchData that does not parse", rule(`${pvc}\n  mergePatches: [{patchData: "a: [b"}]`), "resource_modifiers: resourceModifierRules[0].mergePatches[0].patchData"],
    ["patchData that is a list", rule(`${pvc}\n  strategicPatches: [{patchData: "[1]"}]`), "resource_modifiers: resourceModifierRules[0].strategicPatches[0].patchData"],
    ["a merge patch without patchData", rule(`${pvc}\n  mergePatches: [{}]`), "resource_modifiers: resourceModifierRules[0].mergePatches[0].patchData"],
    ["a merge patch entry with an unknown field", rule(`${pvc}\n  mergePatches: [{patchBytes: "{}"}]`), "resource_modifiers: resourceModifierRules[0].mergePatches[0].patchBytes"],
  ])("rejects %s, naming the field", (_, text, field) => {
    let error: unknown;
    try {
      parseResourceModifiers(text);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT", field });
    expect((error as Error).message).toContain(field);
  });
});
