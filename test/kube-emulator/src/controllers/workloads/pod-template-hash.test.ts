import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../api-types.js";
import { computePodTemplateHash, equalIgnoreHash, fnv32a, safeEncodeString, withoutHashLabel } from "./pod-template-hash.js";

const template: JsonObject = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.25" }] } };
const bytes = (s: string) => new TextEncoder().encode(s);

describe("pod-template-hash", () => {
  it("FNV-32a matches the published test vectors", () => {
    expect(fnv32a(bytes(""))).toBe(0x811c9dc5);
    expect(fnv32a(bytes("a"))).toBe(0xe40c292c);
    expect(fnv32a(bytes("foobar"))).toBe(0xbf9cf968);
  });

  it("SafeEncodeString maps digits onto the consonant alphabet as rand.SafeEncodeString does", () => {
    expect(safeEncodeString("0123456789")).toBe("456789bcdf");
  });

  it("hashes a known template to a pinned value, and collisionCount to another", () => {
    // FNV-32a of {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25","name":"web"}]}}
    // is 1568151163; with collisionCount 1 (8 little-endian bytes) folded in, 1930177466.
    expect(computePodTemplateHash(template)).toBe("59bd5955b7");
    expect(computePodTemplateHash(template, 1)).toBe("5f745cc8bb");
    expect(computePodTemplateHash(template, 0)).not.toBe(computePodTemplateHash(template));
  });

  it("ignores key order, nulls and empty values, but not content", () => {
    const reordered: JsonObject = { spec: { containers: [{ image: "nginx:1.25", name: "web", env: [] }] }, metadata: { creationTimestamp: null, labels: { app: "web" } } };
    expect(computePodTemplateHash(reordered)).toBe(computePodTemplateHash(template));
    const changed: JsonObject = { ...template, spec: { containers: [{ name: "web", image: "nginx:1.26" }] } };
    expect(computePodTemplateHash(changed)).not.toBe(computePodTemplateHash(template));
  });

  it("compares templates with the pod-template-hash label left out", () => {
    const withHash: JsonObject = { ...template, metadata: { labels: { app: "web", "pod-template-hash": "59bd5955b7" } } };
    expect(equalIgnoreHash(withHash, template)).toBe(true);
    expect(equalIgnoreHash(withHash, { ...template, metadata: { labels: { app: "api" } } })).toBe(false);
    expect(withoutHashLabel(withHash)).toEqual(template);
  });
});
