import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ContentId } from "./content-access.js";
import { compareNames, decodeTreeListing, encodeTreeListing, type TreeEntry } from "./tree-listing.js";

const id = (c: string) => c.repeat(64) as ContentId;
const base = { mode: 0o644, uid: 0, gid: 0, size: 0, mtimeNs: "1700000000123456789", ctimeNs: "1700000000123456789", inode: "18446744073709551615" };

const sample: TreeEntry[] = [
  { ...base, name: "a-dir", type: "dir", mode: 0o755, subtree: id("a") },
  { ...base, name: "file", type: "file", size: 5, content: [id("b"), id("c")] },
  { ...base, name: "link", type: "symlink", size: 6, target: "../etc" },
  { ...base, name: "pipe", type: "other" },
  { ...base, name: "z\u00e9", type: "file", content: [] },
];

const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("tree listing", () => {
  it("round-trips a listing of every entry type, times and inodes exact", () => {
    const decoded = decodeTreeListing(encodeTreeListing({ entries: sample }));
    expect(decoded.entries).toEqual(sample);
  });

  it("encodes equal listings to equal bytes whatever the key order of the input", () => {
    const reordered = sample.map((e) => Object.fromEntries(Object.entries(e).reverse()) as unknown as TreeEntry);
    expect(encodeTreeListing({ entries: reordered })).toEqual(encodeTreeListing({ entries: sample }));
  });

  it("orders names by UTF-8 bytes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        expect(Math.sign(compareNames(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
    );
    expect(compareNames("\u{1F600}", "\uFFFD")).toBeGreaterThan(0);
  });

  const corruptCases: [string, unknown][] = [
    ["not JSON", "nope"],
    ["no entries", {}],
    ["a name with a slash", { entries: [{ ...base, name: "a/b", type: "other" }] }],
    ["a name of ..", { entries: [{ ...base, name: "..", type: "other" }] }],
    ["an unknown type", { entries: [{ ...base, name: "x", type: "door" }] }],
    ["a file without content", { entries: [{ ...base, name: "x", type: "file" }] }],
    ["a bad content id", { entries: [{ ...base, name: "x", type: "file", content: ["ABC"] }] }],
    ["a dir without subtree", { entries: [{ ...base, name: "x", type: "dir" }] }],
    ["a time that is a number", { entries: [{ ...base, name: "x", type: "other", mtimeNs: 5 }] }],
    ["a mode with type bits", { entries: [{ ...base, name: "x", type: "other", mode: 0o100644 }] }],
    ["unsorted names", { entries: [{ ...base, name: "b", type: "other" }, { ...base, name: "a", type: "other" }] }],
    ["a duplicated name", { entries: [{ ...base, name: "a", type: "other" }, { ...base, name: "a", type: "other" }] }],
  ];
  it.each(corruptCases)("rejects %s as CORRUPT", (_label, value) => {
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : text(value);
    expect(() => decodeTreeListing(bytes)).toThrow(expect.objectContaining({ code: "CORRUPT", field: "tree" }));
  });
});
