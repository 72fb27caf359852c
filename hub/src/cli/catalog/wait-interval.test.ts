import { describe, expect, it } from "vitest";
import { waitIntervalMs } from "./wait-interval.js";

describe("waitIntervalMs", () => {
  it("polls every 250 ms for the first 10 s, then every second, unless told a fixed interval", () => {
    expect(waitIntervalMs(0)).toBe(250);
    expect(waitIntervalMs(9_999)).toBe(250);
    expect(waitIntervalMs(10_000)).toBe(1_000);
    expect(waitIntervalMs(0, 40)).toBe(40);
  });
});
