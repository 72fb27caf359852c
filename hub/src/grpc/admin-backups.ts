// AdminService's backup calls: CreateBackup, ListBackups, GetBackup, GetBackupLogs, DeleteBackup
// and SyncRepository, on the backup catalog. createAdminService spreads these in.
import { clone, create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { AdminService, BackupPhase, BackupSchema, BackupSpecSchema, BackupSummarySchema, type Backup } from "@lifeboat/proto";
import { LifeboatError, type ServiceImplementation, type ServiceMethods } from "@lifeboat/shared";
import type { RedisBackupCatalog } from "../backups/index.js";
import type { BackupFilter } from "../backups/catalog-types.js";
import type { ClusterStore } from "../clusters/index.js";
import type { HubLog } from "../log.js";

type AdminImplementation = ServiceImplementation<ServiceMethods<typeof AdminService>>;
export type AdminBackupHandlers = Pick<AdminImplementation, "createBackup" | "listBackups" | "getBackup" | "getBackupLogs" | "deleteBackup" | "syncRepository">;

export interface AdminBackupsDeps {
  catalog: Pick<RedisBackupCatalog, "launch" | "get" | "list" | "delete" | "logs" | "sync">;
  clusters: Pick<ClusterStore, "idsMatching">;
  /** The id of the cluster named `name` (ListBackups takes a cluster by id or name). */
  clusterIdOfName?: (name: string) => Promise<string | undefined>;
  /** The id of the policy with this id or name (ListBackups takes a policy by id or name). */
  policyIdOf?: (idOrName: string) => Promise<string | undefined>;
  log: HubLog;
}

// At most this many clusters in one CreateBackup, as for CreateTasks: the response must fit.
const MAX_CLUSTERS = 50_000;

/** Every cluster `selector` matches, in name order; NOT_FOUND when none does. */
async function selectedClusters(clusters: AdminBackupsDeps["clusters"], selector: string): Promise<string[]> {
  const ids = await clusters.idsMatching(selector, MAX_CLUSTERS);
  if (ids.length === 0) throw new LifeboatError("NOT_FOUND", `cluster_selector ${JSON.stringify(selector)} matches no cluster`, { field: "cluster_selector", value: selector });
  if (ids.length > MAX_CLUSTERS) throw new LifeboatError("INVALID_ARGUMENT", `cluster_selector matches more than ${MAX_CLUSTERS} clusters: narrow it`, { field: "cluster_selector", value: selector });
  return ids;
}

async function targetClusters(clusters: AdminBackupsDeps["clusters"], request: { clusterIds: string[]; clusterSelector: string }): Promise<string[]> {
  const byIds = request.clusterIds.length > 0;
  if (byIds === (request.clusterSelector !== "")) {
    throw new LifeboatError("INVALID_ARGUMENT", "give exactly one of cluster_ids and cluster_selector", { field: byIds ? "cluster_selector" : "cluster_ids" });
  }
  // Named clusters are checked to exist by launch, before anything is recorded.
  return byIds ? request.clusterIds : selectedClusters(clusters, request.clusterSelector);
}

async function resolved(value: string, resolve: ((v: string) => Promise<string | undefined>) | undefined): Promise<string | undefined> {
  if (value === "") return undefined;
  // An unknown name may still be the id of a record deleted since (its backups keep the id).
  return (await resolve?.(value)) ?? value;
}

function required(field: string, value: string): string {
  if (value === "") throw new LifeboatError("INVALID_ARGUMENT", `${field} is required`, { field });
  return value;
}

/** A listed backup: its summary's totals only; GetBackup has the per-resource counts, messages and hooks. */
function summaryTotals(backup: Backup): Backup {
  const copy = clone(BackupSchema, backup);
  const s = backup.summary;
  copy.summary = s && create(BackupSummarySchema, { items: s.items, itemVersions: s.itemVersions, bytes: s.bytes, bytesAdded: s.bytesAdded, dependenciesAdded: s.dependenciesAdded });
  return copy;
}

export function createBackupHandlers(deps: AdminBackupsDeps): AdminBackupHandlers {
  const { catalog, clusters, log } = deps;
  return {
    async createBackup(request) {
      const clusterIds = await targetClusters(clusters, request);
      const backups = await catalog.launch({ clusterIds, spec: request.spec ?? create(BackupSpecSchema) });
      const refused = backups.filter((b) => b.phase === BackupPhase.FAILED_VALIDATION).length;
      log.info("backups created", { backups: backups.length, refused, repository: request.spec?.repository || undefined });
      return { backups };
    },

    async listBackups(request) {
      const filter: BackupFilter = {
        clusterId: await resolved(request.cluster, deps.clusterIdOfName),
        policyId: await resolved(request.policy, deps.policyIdOf),
        phase: request.phase === BackupPhase.UNSPECIFIED ? undefined : request.phase,
        createdAfter: request.createdAfter ? timestampDate(request.createdAfter) : undefined,
        labelSelector: request.labelSelector || undefined,
      };
      const page = await catalog.list(filter, { size: request.pageSize, token: request.pageToken || undefined });
      return { backups: page.backups.map(summaryTotals), nextPageToken: page.nextPageToken };
    },

    async getBackup(request) {
      return { backup: await catalog.get(required("id", request.id)) };
    },

    async getBackupLogs(request) {
      return { lines: await catalog.logs(required("id", request.id)) };
    },

    async deleteBackup(request) {
      const backup = await catalog.delete(required("id", request.id));
      log.info("backup deleted", { backupId: backup.id, clusterId: backup.clusterId });
      return { backup };
    },

    async syncRepository(request) {
      const name = required("name", request.name);
      const report = await catalog.sync(name);
      log.info("repository synced", { repository: name, added: report.added, known: report.known, problems: report.problems.length });
      return report;
    },
  };
}
