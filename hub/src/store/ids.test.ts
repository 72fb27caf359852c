import { describe, expect, it } from "vitest";
import { isLifeboatError } from "@lifeboat/shared";
import { newTaskId, parseClusterId, parseTaskId } from "./ids.js";

describe("ids", () => {
  it("makes task ids that parse back", () => {
    const id = newTaskId();
    expect(parseTaskId(id)).toBe(id);
  });

  it("refuses an id that could forge a Redis key, naming the field", () => {
    try {
      parseClusterId("a:queue:b", "spec.clusterId");
      expect.fail("accepted");
    } catch (err) {
      expect(isLifeboatError(err) && err.code).toBe("INVALID_ARGUMENT");
      expect(isLifeboatError(err) && err.field).toBe("spec.clusterId");
      expect((err as Error).message).toMatch(/spec\.clusterId "a:queue:b" is not a valid cluster id/);
    }
  });

  it("refuses empty and over-long ids", () => {
    expect(() => parseTaskId("")).toThrow(/not a valid task id/);
    expect(() => parseTaskId("x".repeat(129))).toThrow(/not a valid task id/);
  });
});
