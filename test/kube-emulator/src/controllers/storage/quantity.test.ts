import { describe, expect, it } from "vitest";
import { canonicalBytes, compareQuantities, parseQuantity, quantityBytes } from "./quantity.js";

describe("storage quantities", () => {
  it("compares values written with binary, decimal and exponent suffixes exactly", () => {
    expect(compareQuantities("1Gi", "1073741824")).toBe(0);
    expect(compareQuantities("1G", "1Gi")).toBe(-1);
    expect(compareQuantities("1.5Gi", "1536Mi")).toBe(0);
    expect(compareQuantities("1e9", "1G")).toBe(0);
    expect(compareQuantities("1E", "1Ei")).toBe(-1);
    expect(compareQuantities("500m", "1")).toBe(-1);
    expect(compareQuantities("2Ti", "2048Gi")).toBe(0);
    expect(compareQuantities("0.5", ".5")).toBe(0);
  });

  it("counts a missing or malformed quantity as zero", () => {
    expect(parseQuantity("1 Gi")).toBeUndefined();
    expect(parseQuantity("Gi")).toBeUndefined();
    expect(compareQuantities(undefined, "0")).toBe(0);
    expect(compareQuantities("bogus", "1")).toBe(-1);
  });

  it("prints a size in bytes as NewQuantity(bytes, BinarySI) does", () => {
    expect(canonicalBytes("1Gi")).toBe("1Gi");
    expect(canonicalBytes("2048Mi")).toBe("2Gi");
    expect(canonicalBytes("1.5Gi")).toBe("1536Mi");
    expect(canonicalBytes("1G")).toBe("1000000000");
    expect(canonicalBytes("512")).toBe("512");
    expect(canonicalBytes("1k")).toBe("1k");
    expect(canonicalBytes("1000")).toBe("1k");
    expect(canonicalBytes("0.5")).toBe("1");
    expect(canonicalBytes("4096")).toBe("4Ki");
    expect(canonicalBytes("nonsense")).toBeUndefined();
  });
});

describe("quantities as bytes", () => {
  it("rounds up to whole bytes as Quantity.Value does", () => {
    expect(quantityBytes("1Gi")).toBe(1073741824n);
    expect(quantityBytes("512Mi")).toBe(536870912n);
    expect(quantityBytes("1.5")).toBe(2n);
    expect(quantityBytes("1G")).toBe(1000000000n);
    expect(quantityBytes("lots")).toBeUndefined();
  });
});
