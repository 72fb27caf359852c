import { describe, expect, it } from "vitest";
import type { JsonObject, JsonValue } from "../api-types.js";
import { statusErrorOf } from "../testing/status-error-of.js";
import { applyMergePatch, applyMergePatchToObject } from "./merge-patch.js";

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe("applyMergePatch", () => {
  // RFC 7386 Appendix A.
  it.each<[JsonValue, JsonValue, JsonValue]>([
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [["a", "b"], ["c", "d"], ["c", "d"]],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])("%j + %j = %j", (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it("replaces arrays wholesale, pruning nulls from objects inside them as the apiserver's library does", () => {
    expect(applyMergePatch({ list: [{ a: 1 }, { b: 2 }] }, { list: [{ c: null, d: 1 }, null] })).toEqual({ list: [{ d: 1 }, null] });
  });

  it("mutates neither input and shares no structure with them", () => {
    const target = deepFreeze<JsonObject>({ keep: { deep: [1] }, change: { x: 1 } });
    const patch = deepFreeze<JsonObject>({ change: { y: [2] } });
    const out = applyMergePatch(target, patch) as JsonObject;
    expect(out).toEqual({ keep: { deep: [1] }, change: { x: 1, y: [2] } });
    expect(out.keep).not.toBe(target.keep);
    expect((out.change as JsonObject).y).not.toBe((patch.change as JsonObject).y);
  });
});

describe("applyMergePatchToObject", () => {
  it("merges a patch into an object", () => {
    expect(applyMergePatchToObject({ metadata: { labels: { a: "1" } } }, { metadata: { labels: { a: null, b: "2" } } })).toEqual({
      metadata: { labels: { b: "2" } },
    });
  });

  it.each<[unknown]>([[null], ["text"], [3], [true]])("rejects %j with evanphx's 400", (body) => {
    const err = statusErrorOf(() => applyMergePatchToObject({}, body));
    expect([err.code, err.reason, err.message]).toEqual([400, "BadRequest", "Invalid JSON Patch"]);
  });

  it("rejects an array body with 422: the result is no object", () => {
    expect(() => applyMergePatchToObject({}, [1])).toThrow(expect.objectContaining({ code: 422, reason: "Invalid" }));
  });
});
