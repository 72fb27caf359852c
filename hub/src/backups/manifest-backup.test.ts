import { timestampMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase } from "@lifeboat/proto";
import type { BackupManifest } from "@lifeboat/shared/repo";
import { describe, expect, it } from "vitest";
import { DEFAULT_TTL_MS } from "./launch-backups.js";
import { backupFromManifest } from "./manifest-backup.js";

const manifest = (fields: Partial<BackupManifest> = {}): BackupManifest => ({
  id: "b".repeat(32),
  cluster: "east",
  kubernetesVersion: "v1.16.15",
  spec: { repository: "old-name", includedNamespaces: ["shop"] },
  started: "2026-01-01T00:00:00.000Z",
  completed: "2026-01-01T00:01:00.000Z",
  phase: "BACKUP_PHASE_COMPLETED",
  counts: {},
  itemIndex: { count: 0, pages: [] },
  volumeSnapshots: [],
  roots: [],
  ...fields,
});

describe("backupFromManifest", () => {
  it("rebuilds the record, naming the repository it was found in", () => {
    const backup = backupFromManifest(manifest({ clusterName: "east-1", policyId: "pol-1", labels: { app: "shop" }, summary: { items: "4" }, expires: "2026-02-01T00:00:00.000Z" }), "main");
    expect(backup).toMatchObject({ id: "b".repeat(32), clusterId: "east", clusterName: "east-1", policyId: "pol-1", phase: BackupPhase.COMPLETED, labels: { app: "shop" }, kubernetesVersion: "v1.16.15" });
    expect(backup.spec).toMatchObject({ repository: "main", includedNamespaces: ["shop"] });
    expect(backup.summary?.items).toBe(4n);
    expect(timestampMs(backup.createTime!)).toBe(Date.parse("2026-01-01T00:00:00.000Z"));
    expect(timestampMs(backup.expireTime!)).toBe(Date.parse("2026-02-01T00:00:00.000Z"));
  });

  it("keeps a backup without an expire time for the default ttl after it completed", () => {
    const backup = backupFromManifest(manifest({ phase: "PARTIALLY_FAILED" }), "main");
    expect(backup.phase).toBe(BackupPhase.PARTIALLY_FAILED);
    expect(timestampMs(backup.expireTime!)).toBe(Date.parse("2026-01-01T00:01:00.000Z") + DEFAULT_TTL_MS);
  });

  it("refuses a phase no finished run writes and an unreadable spec or summary", () => {
    expect(() => backupFromManifest(manifest({ cluster: "east:other" }), "main")).toThrow(/manifest cluster "east:other" is not a cluster id/);
    expect(() => backupFromManifest(manifest({ phase: "BACKUP_PHASE_NEW" }), "main")).toThrow(/manifest phase "BACKUP_PHASE_NEW" is not/);
    expect(() => backupFromManifest(manifest({ spec: { includedNamespaces: "shop" } }), "main")).toThrow(/manifest spec is not valid proto JSON/);
    expect(() => backupFromManifest(manifest({ summary: { items: "many" } }), "main")).toThrow(/manifest summary is not valid proto JSON/);
  });
});
