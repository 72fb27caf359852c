import { describe, expect, it } from "vitest";
import { parseMappingFlag } from "./mapping-flag.js";

describe("parseMappingFlag", () => {
  it.each([
    ["a:b,c:d", { a: "b", c: "d" }],
    [" a : b , c:d ,", { a: "b", c: "d" }],
    ["", {}],
    ["quay.io/coreos:registry.example/mirror", { "quay.io/coreos": "registry.example/mirror" }],
    ["localhost:5000/team:registry.example:5000/mirror", { "localhost:5000/team": "registry.example:5000/mirror" }],
    ["old:5000", { old: "5000" }],
  ])("reads %j", (text, expected) => {
    expect(parseMappingFlag(text, "--namespace-mapping")).toEqual(expected);
  });

  it.each([
    ["a", "a", "no ':'"],
    ["a:b,cd", "cd", "no ':'"],
    [":b", ":b", "empty side"],
    ["a:", "a:", "empty side"],
    ["a:b:c", "a:b:c", "more than one"],
    ["a:b,a:c", "a:c", 'maps "a" a second time'],
  ])("rejects %j naming the flag and the pair", (text, pair, problem) => {
    let error: unknown;
    try {
      parseMappingFlag(text, "--namespace-mapping");
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT", field: "--namespace-mapping", value: pair });
    expect((error as Error).message).toContain(problem);
    expect((error as Error).message).toContain("--namespace-mapping");
  });
});
