// AdminService's restore calls: CreateRestore, ListRestores, GetRestore, GetRestoreLogs and
// DeleteRestore, on the restore catalog. createAdminService spreads these in.
import { clone, create } from "@bufbuild/protobuf";
import { AdminService, RestorePhase, RestoreSchema, RestoreSpecSchema, RestoreSummarySchema, type Restore } from "@lifeboat/proto";
import { LifeboatError, type ServiceImplementation, type ServiceMethods } from "@lifeboat/shared";
import type { HubLog } from "../log.js";
import type { RedisRestoreCatalog, RestoreFilter } from "../restores/index.js";

type AdminImplementation = ServiceImplementation<ServiceMethods<typeof AdminService>>;
export type AdminRestoreHandlers = Pick<AdminImplementation, "createRestore" | "listRestores" | "getRestore" | "getRestoreLogs" | "deleteRestore">;

export interface AdminRestoresDeps {
  catalog: Pick<RedisRestoreCatalog, "create" | "get" | "list" | "logs" | "delete">;
  /** The id of the cluster named `name` (ListRestores takes a cluster by id or name). */
  clusterIdOfName?: (name: string) => Promise<string | undefined>;
  log: HubLog;
}

function required(field: string, value: string): string {
  if (value === "") throw new LifeboatError("INVALID_ARGUMENT", `${field} is required`, { field });
  return value;
}

/** A listed restore: its summary's counts only; GetRestore has the per-resource counts, failures, warnings and hooks. */
function summaryCounts(restore: Restore): Restore {
  const copy = clone(RestoreSchema, restore);
  const s = restore.summary;
  copy.summary = s && create(RestoreSummarySchema, { items: s.items, created: s.created, updated: s.updated, skipped: s.skipped, failed: s.failed });
  return copy;
}

export function createRestoreHandlers(deps: AdminRestoresDeps): AdminRestoreHandlers {
  const { catalog, log } = deps;
  return {
    async createRestore(request) {
      const restore = await catalog.create({ cluster: request.cluster, spec: request.spec ?? create(RestoreSpecSchema) });
      log.info("restore created", { restoreId: restore.id, backupId: restore.spec?.backupId, clusterId: restore.clusterId, dryRun: restore.spec?.dryRun || undefined });
      return { restore };
    },

    async listRestores(request) {
      // An unknown name may still be the id of a cluster deleted since (its restores keep the id).
      const cluster = request.cluster === "" ? undefined : ((await deps.clusterIdOfName?.(request.cluster)) ?? request.cluster);
      const filter: RestoreFilter = {
        clusterId: cluster,
        backupId: request.backupId || undefined,
        phase: request.phase === RestorePhase.UNSPECIFIED ? undefined : request.phase,
      };
      const page = await catalog.list(filter, { size: request.pageSize, token: request.pageToken || undefined });
      return { restores: page.restores.map(summaryCounts), nextPageToken: page.nextPageToken };
    },

    async getRestore(request) {
      return { restore: await catalog.get(required("id", request.id)) };
    },

    async getRestoreLogs(request) {
      return { lines: await catalog.logs(required("id", request.id)) };
    },

    async deleteRestore(request) {
      const restore = await catalog.delete(required("id", request.id));
      log.info("restore deleted", { restoreId: restore.id, clusterId: restore.clusterId });
      return { restore };
    },
  };
}
