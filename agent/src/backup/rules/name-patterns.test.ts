import { describe, expect, it } from "vitest";
import { includeExcludeOf, isGlob, matcherOf } from "./name-patterns.js";

describe("name patterns", () => {
  it("tells globs from plain names", () => {
    expect(isGlob("kube-*")).toBe(true);
    expect(isGlob("app-?")).toBe(true);
    expect(isGlob("shop")).toBe(false);
    expect(isGlob("deployments.apps")).toBe(false);
  });

  it("matches names exactly and globs across dots and dashes", () => {
    const match = matcherOf(["shop", "kube-*", "*.example.com"]);
    expect(match("shop")).toBe(true);
    expect(match("shop-2")).toBe(false);
    expect(match("kube-system")).toBe(true);
    expect(match("kube")).toBe(false);
    expect(match("widgets.shop.example.com")).toBe(true);
    expect(match("example.com")).toBe(false);
  });

  it("matches nothing with no patterns", () => {
    expect(matcherOf([])("anything")).toBe(false);
  });

  it("includes everything when there are no includes, and lets excludes win", () => {
    const all = includeExcludeOf([], ["kube-*"]);
    expect(all("shop")).toBe(true);
    expect(all("kube-system")).toBe(false);
    const some = includeExcludeOf(["shop-*"], ["shop-test"]);
    expect(some("shop-prod")).toBe(true);
    expect(some("shop-test")).toBe(false);
    expect(some("blog")).toBe(false);
  });
});
