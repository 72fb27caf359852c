// Running the backup task kind directly (no hub) into a real repository, and reading back what it wrote.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { KubeConfig } from "@kubernetes/client-node";
import { BackupSpecSchema, BackupTaskSchema, RepositoryAccessSchema, type BackupTaskResult, type RepositoryAccess } from "@lifeboat/proto";
import { Repository, getBackupManifest, newRecordId, openAccessStorage, readAllItems, type BackupItem, type BackupManifest, type BlobStorage } from "@lifeboat/shared/repo";
import { pino } from "pino";
import { runBackup, type BackupContext } from "../../../../../agent/src/backup/index.js";
import { backupTask } from "../../../../../agent/src/executor/kinds/backup.js";
import type { ProgressUpdate, TaskContext } from "../../../../../agent/src/executor/task-kind.js";
import { itemName } from "../../../../../agent/src/backup/resources.js";

export const PASSWORD = "correct horse battery staple";

/** A fresh repository on `url` (file:// or s3:// with its S3 key), with a cheap key derivation for tests. */
export async function initRepository(url: string, s3Key: { accessKeyId: string; secretAccessKey: string } = { accessKeyId: "", secretAccessKey: "" }): Promise<RepositoryAccess> {
  const access = create(RepositoryAccessSchema, { name: "main", url, credentials: { password: PASSWORD, ...s3Key } });
  const storage = openAccessStorage(access);
  try {
    await Repository.init(storage, PASSWORD, { kdf: { N: 1024 } });
  } finally {
    await storage.close();
  }
  return access;
}

export interface BackupRun {
  id: string;
  result: BackupTaskResult;
  progress: ProgressUpdate[];
  /** The agent's log lines, as JSON text. */
  logLines: string[];
}

export interface RunOptions {
  id?: string;
  kc: KubeConfig;
  access: RepositoryAccess;
  spec?: MessageInitShape<typeof BackupSpecSchema>;
  openRepository?: BackupContext["openRepository"];
}

/** Runs the backup task kind as the executor would. Throws what the task throws. */
export async function runBackupTask(options: RunOptions): Promise<BackupRun> {
  const id = options.id ?? newRecordId();
  const progress: ProgressUpdate[] = [];
  const logLines: string[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void logLines.push(line) });
  const task = create(BackupTaskSchema, {
    backup: {
      id,
      clusterId: "cluster-1",
      clusterName: "east-1",
      policyId: "nightly",
      labels: { app: "shop" },
      expireTime: timestampFromDate(new Date(Date.now() + 86_400_000)),
      spec: create(BackupSpecSchema, { repository: "main", ...options.spec }),
    },
    repository: options.access,
  });
  const context: TaskContext = { kube: options.kc, taskId: `task-${id}`, signal: new AbortController().signal, progress: (u) => progress.push(u), logger };
  const result = options.openRepository
    ? await runBackup(task, { ...context, openRepository: options.openRepository })
    : await backupTask.run(task, context);
  return { id, result, progress, logLines };
}

/** Opens the repository read-only, runs `read`, closes it. */
export async function readRepository<T>(access: RepositoryAccess, read: (repo: Repository) => Promise<T>): Promise<T> {
  const storage = openAccessStorage(access);
  const repo = await Repository.open(storage, PASSWORD, { write: false });
  try {
    return await read(repo);
  } finally {
    await repo.close();
    await storage.close();
  }
}

/** A manifest with its item index read, as the tests look at it. */
export type ManifestWithItems = BackupManifest & { items: BackupItem[] };

export async function readManifest(access: RepositoryAccess, id: string): Promise<ManifestWithItems> {
  return readRepository(access, async (repo) => {
    const manifest = await getBackupManifest(repo.manifests, id);
    return { ...manifest, items: await readAllItems(repo.content, manifest.itemIndex) };
  });
}

/** "resource.group/namespace/name" of every item in a manifest, sorted. */
export function manifestItemNames(manifest: ManifestWithItems): string[] {
  return manifest.items.map((item) => itemName(item)).sort();
}

/** Names of every blob under `prefix`. */
export async function blobNames(storage: BlobStorage, prefix = ""): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of storage.list(prefix)) names.push(blob.name);
  return names.sort();
}
