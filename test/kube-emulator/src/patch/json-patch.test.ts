import { describe, expect, it } from "vitest";
import type { JsonObject } from "../api-types.js";
import { statusErrorOf } from "../testing/status-error-of.js";
import { applyJsonPatch } from "./json-patch.js";

const pod = (): JsonObject => ({
  metadata: { name: "p", labels: { app: "web" } },
  spec: { containers: [{ name: "a", image: "a:1" }] },
});

describe("applyJsonPatch", () => {
  it.each<[string, unknown[], (obj: JsonObject) => unknown, unknown]>([
    ["add", [{ op: "add", path: "/metadata/labels/tier", value: "fe" }], (o) => (o.metadata as JsonObject).labels, { app: "web", tier: "fe" }],
    ["replace", [{ op: "replace", path: "/spec/containers/0/image", value: "a:2" }], (o) => JSON.stringify(o.spec), '{"containers":[{"name":"a","image":"a:2"}]}'],
    ["remove", [{ op: "remove", path: "/metadata/labels/app" }], (o) => (o.metadata as JsonObject).labels, {}],
    ["append with -", [{ op: "add", path: "/spec/containers/-", value: { name: "b" } }], (o) => ((o.spec as JsonObject).containers as unknown[]).length, 2],
    ["test then replace", [{ op: "test", path: "/metadata/name", value: "p" }, { op: "replace", path: "/metadata/name", value: "q" }], (o) => (o.metadata as JsonObject).name, "q"],
    ["copy", [{ op: "copy", from: "/metadata/labels", path: "/metadata/annotations" }], (o) => (o.metadata as JsonObject).annotations, { app: "web" }],
    ["move", [{ op: "move", from: "/metadata/labels", path: "/metadata/annotations" }], (o) => Object.keys(o.metadata as JsonObject), ["name", "annotations"]],
  ])("%s", (_name, ops, pick, expected) => {
    expect(pick(applyJsonPatch(pod(), ops))).toEqual(expected);
  });

  it("treats a null body as an empty patch", () => {
    expect(applyJsonPatch(pod(), null)).toEqual(pod());
  });

  it.each<[unknown, string]>([
    [{ op: "add" }, "json: cannot unmarshal object into Go value of type jsonpatch.Patch"],
    ["[]", "json: cannot unmarshal string into Go value of type jsonpatch.Patch"],
    [["add"], "json: cannot unmarshal string into Go value of type jsonpatch.Operation"],
    [[1], "json: cannot unmarshal number into Go value of type jsonpatch.Operation"],
  ])("rejects body %j with 400", (body, message) => {
    const err = statusErrorOf(() => applyJsonPatch(pod(), body));
    expect([err.code, err.reason, err.message]).toEqual([400, "BadRequest", message]);
  });

  it.each<[string, unknown[], string, string]>([
    ["a failed test", [{ op: "test", path: "/metadata/name", value: "other" }], "/metadata/name", "operation 0 (test /metadata/name): testing value /metadata/name failed: test failed"],
    ["a missing path", [{ op: "add", path: "/metadata/labels/x", value: "1" }, { op: "remove", path: "/spec/nope" }], "/spec/nope", 'operation 1 (remove /spec/nope): remove operation does not apply: doc is missing path: "/spec/nope": missing value'],
    ["replacing a missing key", [{ op: "replace", path: "/status", value: {} }], "/status", "operation 0 (replace /status): replace operation does not apply: doc is missing key: /status: missing value"],
    ["an unknown op", [{ op: "frob", path: "/a" }], "/a", "operation 0 (frob /a): Unexpected kind: frob"],
    ["an array index out of range", [{ op: "add", path: "/spec/containers/5", value: {} }], "/spec/containers/5", "operation 0 (add /spec/containers/5): Unable to access invalid index: 5: invalid index referenced"],
  ])("answers %s with 422 Invalid, naming the operation in the cause", (_name, ops, field, cause) => {
    const err = statusErrorOf(() => applyJsonPatch(pod(), ops));
    expect([err.code, err.reason, err.message]).toEqual([422, "Invalid", "the server rejected our request due to an error in our request"]);
    expect(err.details?.causes).toEqual([{ message: cause, field }]);
  });

  it("answers 413 beyond 10000 operations", () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: "test", path: "/metadata/name", value: "p" }));
    const err = statusErrorOf(() => applyJsonPatch(pod(), ops));
    expect([err.code, err.reason, err.message]).toEqual([
      413,
      "RequestEntityTooLarge",
      "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001",
    ]);
  });

  it("answers 422 when the result is not an object", () => {
    expect(statusErrorOf(() => applyJsonPatch(pod(), [{ op: "replace", path: "", value: "x" }])).code).toBe(422);
  });

  it("mutates neither input and shares no structure with them", () => {
    const original = pod();
    const value = { name: "b", env: [] as unknown[] };
    const ops = [{ op: "add", path: "/spec/containers/-", value }];
    const out = applyJsonPatch(original, ops);
    expect(original).toEqual(pod());
    (((out.spec as JsonObject).containers as JsonObject[])[1]!.env as unknown[]).push(1);
    expect(value.env).toEqual([]);
  });
});
