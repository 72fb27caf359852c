import { describe, expect, it } from "vitest";
import { applyResourceModifiers } from "./apply-resource-modifiers.js";
import { parseResourceModifiers } from "./resource-modifiers.js";

const pvc = () => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: "mysql-data", namespace: "shop", labels: { app: "mysql", test: "yes" } },
  spec: { storageClassName: "gp2", resources: { requests: { storage: "1Gi" } } },
});

const rulesOf = (conditions: string, patch = "patches: [{operation: replace, path: /spec/storageClassName, value: premium}]") =>
  parseResourceModifiers(`version: v1\nresourceModifierRules:\n- conditions: ${conditions}\n  ${patch}`);

const context = { groupResource: "persistentvolumeclaims", namespace: "shop" };

describe("applyResourceModifiers", () => {
  it.each([
    ["the group resource", "{groupResource: persistentvolumeclaims}", true],
    ["another group resource", "{groupResource: pods}", false],
    ["a '*' glob", "{groupResource: '*'}", true],
    ["the namespace", "{groupResource: persistentvolumeclaims, namespaces: [shop]}", true],
    ["a namespace glob", "{groupResource: persistentvolumeclaims, namespaces: ['sh*']}", true],
    ["another namespace", "{groupResource: persistentvolumeclaims, namespaces: [web]}", false],
    ["a name regex", "{groupResource: persistentvolumeclaims, resourceNameRegex: '^mysql'}", true],
    ["a name regex that does not match", "{groupResource: persistentvolumeclaims, resourceNameRegex: '^redis'}", false],
    ["matchLabels", "{groupResource: persistentvolumeclaims, labelSelector: {matchLabels: {app: mysql}}}", true],
    ["matchLabels that differ", "{groupResource: persistentvolumeclaims, labelSelector: {matchLabels: {app: redis}}}", false],
    ["NotIn", "{groupResource: persistentvolumeclaims, labelSelector: {matchExpressions: [{key: app, operator: NotIn, values: [redis]}]}}", true],
    ["DoesNotExist on a present label", "{groupResource: persistentvolumeclaims, labelSelector: {matchExpressions: [{key: app, operator: DoesNotExist}]}}", false],
    ["a matches path holding the value", "{groupResource: persistentvolumeclaims, matches: [{path: /spec/storageClassName, value: gp2}]}", true],
    ["a matches path holding another value", "{groupResource: persistentvolumeclaims, matches: [{path: /spec/storageClassName, value: gp3}]}", false],
    ["a matches path that is missing", "{groupResource: persistentvolumeclaims, matches: [{path: /spec/volumeMode, value: Block}]}", false],
  ])("matching on %s (%s) applies the rule: %s", (_, conditions, applies) => {
    const result = applyResourceModifiers(pvc(), rulesOf(conditions), context);
    expect(result.spec.storageClassName).toBe(applies ? "premium" : "gp2");
  });

  it.each([
    ["a deployments.apps glob", "*.apps", "deployments.apps", true],
    ["'*' stopping at a dot", "*", "deployments.apps", false],
    ["'**' crossing dots", "**", "deployments.apps", true],
    ["alternatives", "{deployments,statefulsets}.apps", "statefulsets.apps", true],
  ])("groupResource %s: %s against %s applies the rule: %s", (_, glob, groupResource, applies) => {
    const rules = rulesOf(`{groupResource: '${glob}'}`, "patches: [{operation: add, path: /metadata/labels/x, value: y}]");
    const result = applyResourceModifiers(pvc(), rules, { groupResource, namespace: "shop" });
    expect((result.metadata.labels as Record<string, unknown>).x).toBe(applies ? "y" : undefined);
  });

  it("ignores the namespace condition for cluster-scoped objects, as Velero does", () => {
    const result = applyResourceModifiers(pvc(), rulesOf("{groupResource: persistentvolumeclaims, namespaces: [web]}"), { ...context, namespace: "" });
    expect(result.spec.storageClassName).toBe("premium");
  });

  it("applies JSON patches in order and never changes the input", () => {
    const input = pvc();
    const before = structuredClone(input);
    const rules = rulesOf("{groupResource: persistentvolumeclaims}", "patches: [{operation: remove, path: /metadata/labels/test}, {operation: add, path: /metadata/annotations, value: '{\"a\":\"b\"}'}, {operation: move, from: /metadata/annotations/a, path: /metadata/labels/a}]");
    const result = applyResourceModifiers(input, rules, context);
    expect(result.metadata).toEqual({ name: "mysql-data", namespace: "shop", labels: { app: "mysql", a: "b" }, annotations: {} });
    expect(input).toEqual(before);
    result.metadata.labels.app = "changed";
    expect(applyResourceModifiers(pvc(), rules, context).metadata.labels.app).toBe("mysql");
  });

  it("applies merge patches: null deletes, maps merge, lists replace", () => {
    const rules = rulesOf("{groupResource: persistentvolumeclaims}", 'mergePatches: [{patchData: "{\\"metadata\\":{\\"labels\\":{\\"test\\":null,\\"tier\\":\\"db\\"}},\\"spec\\":{\\"accessModes\\":[\\"ReadWriteOnce\\"]}}"}]');
    const result = applyResourceModifiers(pvc(), rules, context);
    expect(result.metadata.labels).toEqual({ app: "mysql", tier: "db" });
    expect((result.spec as Record<string, unknown>).accessModes).toEqual(["ReadWriteOnce"]);
    expect(result.spec.resources).toEqual({ requests: { storage: "1Gi" } });
  });

  it("applies strategic patches as merge patches", () => {
    const rules = rulesOf("{groupResource: persistentvolumeclaims}", "strategicPatches: [{patchData: 'spec: {storageClassName: fast}'}]");
    expect(applyResourceModifiers(pvc(), rules, context).spec.storageClassName).toBe("fast");
  });

  it("leaves the object as the rule found it when a test operation fails (Velero's conditional patch)", () => {
    const rules = rulesOf("{groupResource: persistentvolumeclaims}", "patches: [{operation: test, path: /spec/storageClassName, value: gp3}, {operation: replace, path: /spec/storageClassName, value: premium}]");
    expect(applyResourceModifiers(pvc(), rules, context)).toEqual(pvc());
  });

  it("matches every rule against the object as given, then applies the matching ones in turn", () => {
    const rules = parseResourceModifiers(`version: v1
resourceModifierRules:
- conditions: {groupResource: persistentvolumeclaims, matches: [{path: /spec/storageClassName, value: gp2}]}
  patches: [{operation: replace, path: /spec/storageClassName, value: gp3}]
- conditions: {groupResource: persistentvolumeclaims, matches: [{path: /spec/storageClassName, value: gp3}]}
  patches: [{operation: replace, path: /spec/storageClassName, value: io2}]
- conditions: {groupResource: persistentvolumeclaims}
  patches: [{operation: add, path: /metadata/labels/seen, value: "true"}]
`);
    const result = applyResourceModifiers(pvc(), rules, context);
    expect(result.spec.storageClassName).toBe("gp3");
    expect(result.metadata.labels).toHaveProperty("seen", true);
  });

  it("throws INVALID_ARGUMENT naming the rule and the object when a patch cannot apply", () => {
    const rules = parseResourceModifiers(`version: v1
resourceModifierRules:
- conditions: {groupResource: pods}
  patches: [{operation: remove, path: /a}]
- conditions: {groupResource: persistentvolumeclaims}
  patches: [{operation: replace, path: /spec/volumeName, value: pv-1}]
`);
    let error: unknown;
    try {
      applyResourceModifiers(pvc(), rules, context);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT", field: "resource_modifiers: resourceModifierRules[1]", value: "persistentvolumeclaims shop/mysql-data" });
    expect((error as Error).message).toContain("resourceModifierRules[1]");
    expect((error as Error).message).not.toContain("1Gi");
  });
});
