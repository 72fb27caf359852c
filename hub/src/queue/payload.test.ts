import { describe, expect, it } from "vitest";
import { decodePayload, encodePayload } from "./payload.js";

describe("task payloads", () => {
  it("round-trips JSON values", () => {
    for (const value of [null, true, 3.5, "s", [1, "two"], { a: { b: [null] } }]) {
      expect(decodePayload(encodePayload(value, "spec"))).toEqual(value);
    }
  });

  it("round-trips bytes as bytes", () => {
    const bytes = new Uint8Array([0, 255, 10, 13, 58]);
    const decoded = decodePayload(encodePayload(bytes, "spec"));
    expect(decoded).toBeInstanceOf(Uint8Array);
    expect([...(decoded as Uint8Array)]).toEqual([...bytes]);
  });

  it("encodes only the viewed part of a byte array", () => {
    const view = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    expect([...(decodePayload(encodePayload(view, "spec")) as Uint8Array)]).toEqual([2, 3]);
  });

  it("refuses values JSON cannot carry, naming the field", () => {
    expect(() => encodePayload(undefined as never, "result")).toThrow(/result is undefined/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encodePayload(cycle as never, "spec")).toThrow(/spec is not JSON-serializable/);
  });

  it("reports a damaged stored payload as CORRUPT", () => {
    expect(() => decodePayload("x{}")).toThrow(expect.objectContaining({ code: "CORRUPT" }));
    expect(() => decodePayload("j{")).toThrow(expect.objectContaining({ code: "CORRUPT" }));
  });
});
