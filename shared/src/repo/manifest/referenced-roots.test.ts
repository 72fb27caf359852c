import { describe, expect, it } from "vitest";
import { newRecordId } from "./record-names.js";
import { referencedRoots } from "./referenced-roots.js";
import { backupManifest, contentId, snapshotRecord } from "./test-records.js";

describe("referencedRoots", () => {
  it("names a snapshot's tree", () => {
    const snapshot = snapshotRecord();
    expect(referencedRoots(`snapshots/${snapshot.id}`, snapshot)).toEqual([snapshot.tree]);
  });

  it("names every item index page and root of a backup manifest, once each", () => {
    const shared = contentId();
    const manifest = backupManifest({ roots: [shared, contentId()], itemIndex: { count: 600, pages: [contentId(), shared] } });
    const roots = referencedRoots(`backups/${manifest.id}/manifest`, manifest);
    expect(new Set(roots)).toEqual(new Set([...manifest.itemIndex.pages, ...manifest.roots]));
    expect(roots).toHaveLength(3);
  });

  it("names nothing for logs, results and restore records", () => {
    const id = newRecordId();
    expect(referencedRoots(`backups/${id}/log`, ["line"])).toEqual([]);
    expect(referencedRoots(`restores/${id}/results`, { ok: true })).toEqual([]);
  });

  it("refuses a record that does not match its kind, rather than mark nothing", () => {
    expect(() => referencedRoots(`snapshots/${newRecordId()}`, { paths: [] })).toThrow(expect.objectContaining({ code: "CORRUPT" }));
  });
});
