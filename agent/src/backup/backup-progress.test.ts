import { describe, expect, it } from "vitest";
import type { ProgressUpdate } from "../executor/task-kind.js";
import { BackupProgress } from "./backup-progress.js";

describe("backup progress", () => {
  it("names the stage, maps its share into percent and carries the hub's counter names", () => {
    const sent: ProgressUpdate[] = [];
    const progress = new BackupProgress((u) => sent.push(u));
    progress.enter("serialize");
    progress.itemsTotal = 10;
    progress.itemsDone = 10;
    progress.bytes = 2048;
    progress.finish();
    expect(sent).toEqual([
      { percent: 25, message: "serialize", counters: { items_done: 0, items_total: 0, bytes: 0 } },
      { percent: 60, message: "serialize", counters: { items_done: 10, items_total: 10, bytes: 2048 } },
    ]);
    progress.enter("manifest");
    progress.finish();
    expect(sent.at(-1)).toMatchObject({ percent: 100, message: "manifest" });
  });

  it("drops per-item readings that come too close together", () => {
    const sent: ProgressUpdate[] = [];
    const progress = new BackupProgress((u) => sent.push(u));
    progress.enter("serialize");
    for (let i = 0; i < 1000; i++) progress.report(i / 1000);
    expect(sent.length).toBeLessThan(5);
  });
});
