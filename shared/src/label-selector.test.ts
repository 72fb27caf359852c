import { describe, expect, it } from "vitest";
import { parseLabelSelector } from "./label-selector.js";

describe("parseLabelSelector", () => {
  const prodEu = { env: "prod", region: "eu", tier: "db" };

  it("matches everything when empty", () => {
    expect(parseLabelSelector("")({})).toBe(true);
  });

  it("reads equality requirements", () => {
    expect(parseLabelSelector("env=prod,region!=us")(prodEu)).toBe(true);
    expect(parseLabelSelector("env==prod,region!=eu")(prodEu)).toBe(false);
    // != matches a cluster without the label, as in Kubernetes.
    expect(parseLabelSelector("zone!=a")(prodEu)).toBe(true);
  });

  it("reads set and existence requirements", () => {
    expect(parseLabelSelector("region in (eu, us), tier notin (web)")(prodEu)).toBe(true);
    expect(parseLabelSelector("region in (us)")(prodEu)).toBe(false);
    expect(parseLabelSelector("tier,!legacy")(prodEu)).toBe(true);
    expect(parseLabelSelector("!tier")(prodEu)).toBe(false);
  });

  it("refuses malformed selectors naming the field and what is wrong", () => {
    expect(() => parseLabelSelector("env=prod,,x")).toThrow(/label_selector "env=prod,,x" is not a valid label selector: an empty requirement/);
    expect(() => parseLabelSelector("region in (eu")).toThrow(/unbalanced parentheses/);
    expect(() => parseLabelSelector("bad key=1")).toThrow(/cannot read requirement/);
    try {
      parseLabelSelector("env=not valid!");
    } catch (err) {
      expect(err).toMatchObject({ code: "INVALID_ARGUMENT", field: "label_selector" });
    }
  });
});
