import { describe, expect, it } from "vitest";
import { backupRecordName, isRecordName, newRecordId, restoreRecordName, snapshotName } from "./record-names.js";

describe("record names", () => {
  it("makes 32-hex ids that are unique", () => {
    const ids = new Set(Array.from({ length: 100 }, newRecordId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("builds the documented names, all of which are record names", () => {
    const id = newRecordId();
    const names = [snapshotName(id), backupRecordName(id, "manifest"), backupRecordName(id, "log"), restoreRecordName(id, "results")];
    expect(names).toEqual([`snapshots/${id}`, `backups/${id}/manifest`, `backups/${id}/log`, `restores/${id}/results`]);
    expect(names.every(isRecordName)).toBe(true);
  });

  it("refuses a bad id or part as INVALID_ARGUMENT", () => {
    expect(() => snapshotName("ABC")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field: "id" }));
    expect(() => restoreRecordName(newRecordId(), "../x")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field: "part" }));
  });
});
