import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS } from "../contract.js";
import { claimPatch, decideClaim } from "./claim-task.js";

describe("decideClaim", () => {
  it("takes an object nobody started as attempt 1", () => {
    expect(decideClaim(undefined, "me")).toEqual({ action: "take", attempt: 1 });
    expect(decideClaim({ phase: "" }, "me")).toEqual({ action: "take", attempt: 1 });
  });

  it("takes over a copy another node agent process left InProgress, counting the attempt", () => {
    expect(decideClaim({ phase: "InProgress", nodeAgent: "dead", attempt: 1 }, "me")).toEqual({ action: "take", attempt: 2 });
  });

  it("leaves its own copies and finished ones alone", () => {
    expect(decideClaim({ phase: "InProgress", nodeAgent: "me", attempt: 1 }, "me")).toEqual({ action: "leave" });
    expect(decideClaim({ phase: "Completed", attempt: 1 }, "me")).toEqual({ action: "leave" });
    expect(decideClaim({ phase: "Failed", attempt: 1 }, "me")).toEqual({ action: "leave" });
  });

  it(`gives up after ${MAX_ATTEMPTS} interrupted attempts, saying how many`, () => {
    const decision = decideClaim({ phase: "InProgress", nodeAgent: "dead", attempt: MAX_ATTEMPTS }, "me");
    expect(decision.action).toBe("give-up");
    expect(decision.action === "give-up" && decision.message).toContain(`interrupted ${MAX_ATTEMPTS} times`);
  });
});

describe("claimPatch", () => {
  it("sets the phase, this process and the attempt, and clears an earlier attempt's leftovers", () => {
    expect(claimPatch("me", 2, "41")).toEqual({
      metadata: { resourceVersion: "41" },
      status: { phase: "InProgress", nodeAgent: "me", attempt: 2, message: null, result: null, progress: null },
    });
  });
});
