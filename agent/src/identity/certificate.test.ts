import { describe, expect, it } from "vitest";
import { isRenewalDue } from "./certificate.js";

const DAY = 24 * 3600_000;
const issued = new Date("2025-01-01T00:00:00Z");
const validity = { notBefore: issued, notAfter: new Date(issued.getTime() + 90 * DAY), serialNumber: "01" };
const at = (days: number) => new Date(issued.getTime() + days * DAY);

describe("isRenewalDue", () => {
  it("is due once less than a third of the lifetime is left", () => {
    expect(isRenewalDue(validity, at(59))).toBe(false);
    expect(isRenewalDue(validity, at(60.01))).toBe(true);
    expect(isRenewalDue(validity, at(89))).toBe(true);
    // Expired: still due (the hub refuses it, but asking costs nothing).
    expect(isRenewalDue(validity, at(91))).toBe(true);
  });

  it("renews earlier when the hub's renew-before is longer than a third", () => {
    expect(isRenewalDue(validity, at(45), 50 * DAY)).toBe(true);
    expect(isRenewalDue(validity, at(45), 10 * DAY)).toBe(false);
  });
});
