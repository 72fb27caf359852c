import { create } from "@bufbuild/protobuf";
import { InitContainerHookSchema, RestoreHookSchema } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { addInitContainers, initContainerHookRulesOf } from "./init-container-hooks.js";
import type { PodLike } from "./pod-specs.js";

const hook = (fields: { included?: string[]; excluded?: string[]; selector?: string; containers?: Array<{ name: string; image: string; command?: string[] }> }) =>
  create(RestoreHookSchema, {
    name: "h",
    includedNamespaces: fields.included ?? [],
    excludedNamespaces: fields.excluded ?? [],
    labelSelector: fields.selector ?? "",
    initContainers: (fields.containers ?? [{ name: "restore-data", image: "busybox:1.36", command: ["sh", "-c", "restore"] }]).map((c) => create(InitContainerHookSchema, c)),
  });

const pod = (): PodLike => ({ metadata: { labels: { app: "db" } }, spec: { initContainers: [{ name: "own-init", image: "app:1" }], containers: [{ name: "app", image: "app:1" }] } });
const names = (p: PodLike) => (p.spec?.initContainers ?? []).map((c) => c.name);

describe("addInitContainers", () => {
  it.each<[string, ReturnType<typeof hook>, string, string[]]>([
    ["a hook for every pod", hook({}), "shop", ["restore-data", "own-init"]],
    ["a hook for the pod's namespace", hook({ included: ["shop"] }), "shop", ["restore-data", "own-init"]],
    ["a hook for a namespace glob", hook({ included: ["sh*"] }), "shop", ["restore-data", "own-init"]],
    ["a hook for another namespace", hook({ included: ["web"] }), "shop", ["own-init"]],
    ["a hook excluding the namespace", hook({ excluded: ["shop"] }), "shop", ["own-init"]],
    ["a hook whose selector matches", hook({ selector: "app=db" }), "shop", ["restore-data", "own-init"]],
    ["a hook with a set selector", hook({ selector: "app in (db,cache)" }), "shop", ["restore-data", "own-init"]],
    ["a hook whose selector does not match", hook({ selector: "app=web" }), "shop", ["own-init"]],
    ["a hook with two containers, in order", hook({ containers: [{ name: "a", image: "x" }, { name: "b", image: "y" }] }), "shop", ["a", "b", "own-init"]],
    ["a hook whose container the pod already has (a retry)", hook({ containers: [{ name: "own-init", image: "x" }] }), "shop", ["own-init"]],
  ])("applies %s", (_, restoreHook, namespace, expected) => {
    const target = pod();
    addInitContainers(target, initContainerHookRulesOf([restoreHook]), namespace);
    expect(names(target)).toEqual(expected);
  });

  it("adds the hook's image and command", () => {
    const target = pod();
    addInitContainers(target, initContainerHookRulesOf([hook({})]), "shop");
    expect(target.spec?.initContainers?.[0]).toEqual({ name: "restore-data", image: "busybox:1.36", command: ["sh", "-c", "restore"] });
  });

  it("works on a pod template without init containers", () => {
    const template: PodLike = { metadata: { labels: { app: "db" } }, spec: { containers: [] } };
    addInitContainers(template, initContainerHookRulesOf([hook({ containers: [{ name: "r", image: "x" }] })]), "shop");
    expect(template.spec?.initContainers).toEqual([{ name: "r", image: "x" }]);
  });

  it("ignores hooks without init containers", () => {
    expect(initContainerHookRulesOf([hook({ containers: [] })])).toEqual([]);
  });

  it("rejects a hook whose label selector does not parse, naming the field", () => {
    expect(() => initContainerHookRulesOf([hook({}), hook({ selector: "app=(db" })])).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field: "spec.hooks[1].label_selector" }));
  });
});
