import { describe, expect, it } from "vitest";
import { newRecordId } from "./record-names.js";
import { referencedRoots } from "./referenced-roots.js";
import { backupManifest, contentId, snapshotRecord } from "./test-records.js";

describe("referencedRoots", () => {
  it("names a snapshot's tree", () => {
    const snapshot = snapshotRecord();
    expect(referencedRoots(`snapshots/${snapshot.id}`, snapshot)).toEqual([snapshot.tree]);
  });

  it("names every item content and root of a backup manifest, once each", () => {
    const shared = contentId();
    const manifest = backupManifest({ roots: [shared, contentId()] });
    manifest.items[1]!.content = shared;
    const roots = referencedRoots(`backups/${manifest.id}/manifest`, manifest);
    expect(new Set(roots)).toEqual(new Set([manifest.items[0]!.content, ...manifest.roots]));
    expect(roots).toHaveLength(3);
  });

  it("names the content of every version of an item, in its own group and in others", () => {
    const [own, alias] = [contentId(), contentId()];
    const manifest = backupManifest({ roots: [] });
    manifest.items[0]!.versions = [{ version: "v1", content: manifest.items[0]!.content }, { group: "events.k8s.io", resource: "events", version: "v1beta1", content: alias }];
    manifest.items[1]!.versions = [{ version: "v1", content: own }];
    expect(new Set(referencedRoots(`backups/${manifest.id}/manifest`, manifest))).toEqual(new Set([manifest.items[0]!.content, alias, manifest.items[1]!.content, own]));
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
