// Builders for manifest tests: valid records with overridable fields.
import { randomBytes } from "node:crypto";
import type { ContentId } from "./record-checks.js";
import { newRecordId } from "./record-names.js";
import type { BackupManifest, SnapshotRecord } from "./records.js";

export function contentId(): ContentId {
  return randomBytes(32).toString("hex") as ContentId;
}

export function snapshotRecord(overrides: Partial<SnapshotRecord> = {}): SnapshotRecord {
  return {
    id: newRecordId(),
    time: "2026-11-24T02:00:00.000Z",
    host: "node-1",
    paths: ["/var/lib/data"],
    tree: contentId(),
    stats: { files: 3, directories: 1, bytes: 4096 },
    ...overrides,
  };
}

export function backupManifest(overrides: Partial<BackupManifest> = {}): BackupManifest {
  return {
    id: newRecordId(),
    cluster: "prod-eu-1",
    kubernetesVersion: "v1.31.2",
    spec: { includedNamespaces: ["shop"], ttl: "720h" },
    started: "2026-11-24T02:00:00.000Z",
    completed: "2026-11-24T02:03:00.000Z",
    phase: "Completed",
    counts: { items: 2, errors: 0 },
    itemIndex: { count: 2, pages: [contentId()] },
    volumeSnapshots: [],
    roots: [contentId()],
    ...overrides,
  };
}
