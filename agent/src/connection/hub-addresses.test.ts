import { describe, expect, it } from "vitest";
import { HubAddressRotation, parseHubAddresses } from "./hub-addresses.js";

describe("parseHubAddresses", () => {
  it("splits comma-separated entries, trims, and keeps each address once in order", () => {
    expect(parseHubAddresses(["hub-1.example:7443, hub-2.example:7443", "127.0.0.1:9,hub-1.example:7443", "[::1]:7443,"], "hubAddresses")).toEqual([
      "hub-1.example:7443",
      "hub-2.example:7443",
      "127.0.0.1:9",
      "[::1]:7443",
    ]);
    expect(parseHubAddresses([], "hubAddresses")).toEqual([]);
  });

  it("refuses an entry that is not host:port, naming the field and the entry", () => {
    for (const bad of ["hub.example", "hub.example:", "hub.example:0", "hub.example:70000", ":7443", "https://hub:7443", "hub :7443"]) {
      expect(() => parseHubAddresses([`ok.example:1,${bad}`], "--hub"), bad).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT", field: "--hub", value: bad.trim(), message: expect.stringContaining("--hub must be host:port") }),
      );
    }
  });
});

describe("HubAddressRotation", () => {
  it("starts where the random draw says and moves to the next address on every call, wrapping round", () => {
    const addresses = ["a:1", "b:2", "c:3"];
    const rotation = new HubAddressRotation(() => 0.5);
    const start = addresses.indexOf(rotation.next(addresses));
    expect([1, 2, 3, 4].map(() => rotation.next(addresses))).toEqual([1, 2, 3, 4].map((i) => addresses[(start + i) % 3]));
  });

  it("spreads the first pick over every address", () => {
    const addresses = ["a:1", "b:2", "c:3", "d:4"];
    const firsts = new Set(Array.from({ length: 8 }, (_, i) => new HubAddressRotation(() => i / 8).next(addresses)));
    expect(firsts).toEqual(new Set(addresses));
  });

  it("follows a list that changed (a new identity)", () => {
    const rotation = new HubAddressRotation(() => 0);
    expect(rotation.next(["a:1"])).toBe("a:1");
    expect(["x:1", "y:2"]).toContain(rotation.next(["x:1", "y:2"]));
    expect(() => rotation.next([])).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
