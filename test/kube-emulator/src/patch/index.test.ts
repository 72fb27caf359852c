import { describe, expect, it } from "vitest";
import type { JsonObject } from "../api-types.js";
import { applyPatch, supportedPatchTypes } from "./index.js";

const original: JsonObject = { metadata: { name: "x", finalizers: ["a"] }, spec: { list: [1, 2] } };
const BUILTIN = { group: "", kind: "Pod" };
const CUSTOM = { group: "example.com", kind: "Widget", isCustomResource: true };

describe("applyPatch", () => {
  it.each<[string, unknown, JsonObject]>([
    ["application/json-patch+json", [{ op: "replace", path: "/spec/list", value: [3] }], { metadata: { name: "x", finalizers: ["a"] }, spec: { list: [3] } }],
    ["application/merge-patch+json", { metadata: { finalizers: ["b"] } }, { metadata: { name: "x", finalizers: ["b"] }, spec: { list: [1, 2] } }],
    ["application/strategic-merge-patch+json", { metadata: { finalizers: ["b"] } }, { metadata: { name: "x", finalizers: ["b", "a"] }, spec: { list: [1, 2] } }],
    ["application/strategic-merge-patch+json; charset=utf-8", null, original],
    ["application/apply-patch+yaml", { spec: { other: true } }, { metadata: { name: "x", finalizers: ["a"] }, spec: { list: [1, 2], other: true } }],
  ])("dispatches %s", (contentType, body, expected) => {
    expect(applyPatch(contentType, original, body, BUILTIN)).toEqual(expected);
  });

  it("refuses strategic merge on custom resources with the CRD handler's 415", () => {
    expect(() => applyPatch("application/strategic-merge-patch+json", original, {}, CUSTOM)).toThrow(
      expect.objectContaining({
        code: 415,
        reason: "UnsupportedMediaType",
        message:
          "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
      }),
    );
  });

  it("still merge-patches custom resources", () => {
    expect(applyPatch("application/merge-patch+json", original, { spec: { list: [9] } }, CUSTOM).spec).toEqual({ list: [9] });
  });

  it("answers an unknown Content-Type with 415 listing the patch types", () => {
    expect(() => applyPatch("application/json", original, {}, BUILTIN)).toThrow(
      expect.objectContaining({
        code: 415,
        message:
          "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
      }),
    );
  });

  it("rejects a strategic merge body that is not an object", () => {
    expect(() => applyPatch("application/strategic-merge-patch+json", original, [1], BUILTIN)).toThrow(
      expect.objectContaining({
        code: 400,
        message: "json: cannot unmarshal array into Go value of type map[string]interface {}",
      }),
    );
  });

  it("lists patch types per resource kind", () => {
    expect(supportedPatchTypes(false)).toHaveLength(4);
    expect(supportedPatchTypes(true)).not.toContain("application/strategic-merge-patch+json");
  });
});
