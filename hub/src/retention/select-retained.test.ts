import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { BackupPhase, BackupSchema, RetentionSchema, type Backup, type Retention } from "@lifeboat/proto";
import { selectRetained } from "./select-retained.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function backup(id: string, at: string | number, phase = BackupPhase.COMPLETED): Backup {
  return create(BackupSchema, { id, clusterId: "c1", phase, createTime: timestampFromMs(typeof at === "number" ? at : Date.parse(at)) });
}

function rules(r: MessageInitShape<typeof RetentionSchema>): Retention {
  return create(RetentionSchema, r);
}

const ids = (list: Backup[]) => list.map((b) => b.id);

describe("selectRetained", () => {
  const now = new Date("2026-03-18T12:30:00Z"); // a Wednesday

  it("keeps the newest keep_last backups, whatever order they come in", () => {
    const list = [0, 5, 2, 9, 1, 7].map((h) => backup(`h${h}`, now.getTime() - h * HOUR));
    const { keep, remove } = selectRetained(list, rules({ keepLast: 3 }), now);
    expect(ids(keep)).toEqual(["h0", "h1", "h2"]);
    expect(ids(remove)).toEqual(["h5", "h7", "h9"]);
  });

  it("keeps the newest backup of each of the last keep_hourly hours", () => {
    // Every 15 minutes for 6 hours: 12:30, 12:15, 12:00, 11:45, ...
    const list = Array.from({ length: 24 }, (_, i) => backup(`b${i}`, now.getTime() - i * 15 * 60_000));
    const { keep } = selectRetained(list, rules({ keepHourly: 3 }), now);
    // Hour 12 (12:30), hour 11 (11:45), hour 10 (10:45).
    expect(keep.map((b) => new Date(Number(b.createTime!.seconds) * 1000).toISOString())).toEqual([
      "2026-03-18T12:30:00.000Z",
      "2026-03-18T11:45:00.000Z",
      "2026-03-18T10:45:00.000Z",
    ]);
  });

  it("counts calendar days back from now, days without backups included", () => {
    const list = [
      backup("today-late", "2026-03-18T09:00:00Z"),
      backup("today-early", "2026-03-18T01:00:00Z"),
      backup("yesterday", "2026-03-17T23:00:00Z"),
      backup("three-days", "2026-03-15T10:00:00Z"),
      backup("ten-days", "2026-03-08T10:00:00Z"),
    ];
    const { keep, remove } = selectRetained(list, rules({ keepDaily: 7 }), now);
    expect(ids(keep)).toEqual(["today-late", "yesterday", "three-days"]);
    expect(ids(remove)).toEqual(["today-early", "ten-days"]);
  });

  it("starts weeks on Monday", () => {
    const list = [
      backup("wed", "2026-03-18T08:00:00Z"),
      backup("mon", "2026-03-16T00:30:00Z"),
      backup("sun", "2026-03-15T23:30:00Z"), // last week's newest
      backup("sat", "2026-03-14T12:00:00Z"),
      backup("two-weeks-ago", "2026-03-04T12:00:00Z"),
    ];
    const { keep, remove } = selectRetained(list, rules({ keepWeekly: 2 }), now);
    expect(ids(keep)).toEqual(["wed", "sun"]);
    expect(ids(remove)).toEqual(["mon", "sat", "two-weeks-ago"]);
  });

  it("keeps the newest of each of the last months across a year boundary", () => {
    const january = new Date("2027-01-10T00:00:00Z");
    const list = [
      backup("jan", "2027-01-05T00:00:00Z"),
      backup("dec-31", "2026-12-31T23:59:00Z"),
      backup("dec-01", "2026-12-01T00:00:00Z"),
      backup("nov", "2026-11-15T00:00:00Z"),
      backup("oct", "2026-10-15T00:00:00Z"),
    ];
    const { keep, remove } = selectRetained(list, rules({ keepMonthly: 3 }), january);
    expect(ids(keep)).toEqual(["jan", "dec-31", "nov"]);
    expect(ids(remove)).toEqual(["dec-01", "oct"]);
  });

  it("keeps what any rule keeps (grandfather-father-son)", () => {
    // A nightly backup at 02:00 for 60 days.
    const list = Array.from({ length: 60 }, (_, i) => backup(`d${i}`, Date.parse("2026-03-18T02:00:00Z") - i * DAY));
    const { keep, remove } = selectRetained(list, rules({ keepLast: 2, keepDaily: 7, keepWeekly: 4, keepMonthly: 3 }), now);
    const kept = ids(keep);
    // 7 dailies (d0-d6); weeklies: this week's newest (d0), then the Sundays 03-15 (d3), 03-08 (d10), 03-01 (d17);
    // monthlies: March (d0), February's last (02-28, d18), January's last (01-31, d46).
    expect(kept).toEqual(["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d10", "d17", "d18", "d46"]);
    expect(keep.length + remove.length).toBe(60);
  });

  it("counts only completed and partially failed backups, and never lists the others", () => {
    const list = [
      backup("running", now.getTime() - 1_000, BackupPhase.IN_PROGRESS),
      backup("failed", now.getTime() - 2_000, BackupPhase.FAILED),
      backup("partial", now.getTime() - 3_000, BackupPhase.PARTIALLY_FAILED),
      backup("deleting", now.getTime() - 3_500, BackupPhase.DELETING),
      backup("done", now.getTime() - 4_000),
      backup("old", now.getTime() - 5_000),
    ];
    const { keep, remove } = selectRetained(list, rules({ keepLast: 2 }), now);
    expect(ids(keep)).toEqual(["partial", "done"]);
    expect(ids(remove)).toEqual(["old"]);
  });

  it("removes nothing when every rule is zero or there is no retention", () => {
    const list = [backup("a", now.getTime() - 1), backup("b", now.getTime() - 2)];
    expect(selectRetained(list, rules({}), now).remove).toEqual([]);
    expect(selectRetained(list, undefined, now).remove).toEqual([]);
  });

  it("counts a backup stamped slightly in the future in the current period", () => {
    const list = [backup("ahead", now.getTime() + 60_000), backup("now", now.getTime() - 60_000)];
    const { keep, remove } = selectRetained(list, rules({ keepHourly: 1 }), now);
    expect(ids(keep)).toEqual(["ahead"]);
    expect(ids(remove)).toEqual(["now"]);
  });
});
