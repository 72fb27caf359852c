import { toJson } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  BackupMessageSchema,
  BackupPhaseSchema,
  BackupSpecSchema,
  BackupSummarySchema,
  HookResultSchema,
  type Backup,
  type BackupPhase,
  type BackupSpec,
  type BackupSummary,
  type VolumeBackup,
  VolumeBackupPhase,
  VolumeBackupSchema,
} from "@lifeboat/proto";
import { backupRecordName, putBackupManifest, writeItemIndex, type BackupItem, type ContentId, type BackupManifest, type ItemIndexRef, type Repository } from "@lifeboat/shared/repo";
import type { BackupLogEntry, BackupReport } from "../backup-report.js";
import { qualifiedName } from "../resources.js";

export interface ManifestInput {
  backup: Backup;
  spec: BackupSpec;
  phase: BackupPhase;
  summary: BackupSummary;
  kubernetesVersion: string;
  clusterFingerprint: string;
  started: Date;
  completed: Date;
  itemIndex: ItemIndexRef;
  /** Every volume the backup considered; the copied ones' trees are kept alive as roots. */
  volumes?: VolumeBackup[];
}

/**
 * The manifest of a finished backup. Spec and summary are proto JSON and the phase its enum name,
 * so a hub can rebuild its catalog entry from the repository alone.
 */
export function buildManifest(input: ManifestInput): BackupManifest {
  const { backup, summary } = input;
  return {
    id: backup.id,
    cluster: backup.clusterId,
    kubernetesVersion: input.kubernetesVersion,
    spec: toJson(BackupSpecSchema, input.spec),
    started: input.started.toISOString(),
    completed: input.completed.toISOString(),
    phase: BackupPhaseSchema.values.find((v) => v.number === input.phase)?.name ?? String(input.phase),
    counts: {
      items: Number(summary.items),
      itemVersions: Number(summary.itemVersions),
      bytes: Number(summary.bytes),
      bytesAdded: Number(summary.bytesAdded),
      dependenciesAdded: Number(summary.dependenciesAdded),
      warnings: summary.warnings.length,
      errors: summary.errors.length,
    },
    itemIndex: input.itemIndex,
    volumeSnapshots: (input.volumes ?? []).map((v) => toJson(VolumeBackupSchema, v)),
    roots: [...new Set((input.volumes ?? []).filter((v) => v.phase === VolumeBackupPhase.COMPLETED && v.snapshotId).map((v) => v.snapshotId as ContentId))],
    clusterName: backup.clusterName,
    clusterFingerprint: input.clusterFingerprint,
    policyId: backup.policyId,
    labels: { ...backup.labels },
    ...(backup.expireTime ? { expires: timestampDate(backup.expireTime).toISOString() } : {}),
    summary: toJson(BackupSummarySchema, summary),
  };
}

/** The item index as written, with the counts a summary shows. */
export interface WrittenItems {
  itemIndex: ItemIndexRef;
  perResource: Record<string, bigint>;
  perNamespace: Record<string, bigint>;
}

/** Stores `items` as the backup's item index (pages of content), counting them as they pass. */
export async function writeItems(content: Pick<Repository["content"], "putContent">, items: Iterable<BackupItem>): Promise<WrittenItems> {
  const perResource: Record<string, bigint> = {};
  const perNamespace: Record<string, bigint> = {};
  function* counted(): Iterable<BackupItem> {
    for (const item of items) {
      const resource = qualifiedName(item);
      perResource[resource] = (perResource[resource] ?? 0n) + 1n;
      perNamespace[item.namespace] = (perNamespace[item.namespace] ?? 0n) + 1n;
      yield item;
    }
  }
  return { itemIndex: await writeItemIndex(content, counted()), perResource, perNamespace };
}

/** The repository as the manifest stage uses it. */
export type RecordRepository = Pick<Repository, "prepareCommit" | "manifests">;

/**
 * Writes the log and results records, then the manifest, last: a backup exists only once its
 * manifest does, so a crash before it leaves no backup, and a retried attempt of the same id
 * simply replaces its own records. Content must already be flushed (prepareCommit), and the lease
 * is checked again just before the manifest.
 */
export async function writeBackupRecords(repo: RecordRepository, manifest: BackupManifest, report: BackupReport): Promise<void> {
  await repo.manifests.put(backupRecordName(manifest.id, "log"), { entries: report.log satisfies BackupLogEntry[] });
  await repo.manifests.put(backupRecordName(manifest.id, "results"), {
    warnings: report.warnings.map((m) => toJson(BackupMessageSchema, m)),
    errors: report.errors.map((m) => toJson(BackupMessageSchema, m)),
    hooks: report.hooks.map((h) => toJson(HookResultSchema, h)),
    droppedMessages: report.droppedMessages,
  });
  await repo.prepareCommit();
  await putBackupManifest(repo.manifests, manifest);
}
