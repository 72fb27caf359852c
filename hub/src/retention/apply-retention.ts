import type { Backup, Policy } from "@lifeboat/proto";
import type { BackupCatalog } from "../backups/catalog-types.js";
import { hasRetentionRules, selectRetained } from "./select-retained.js";

export interface RetentionOutcome {
  /** Backups deleted. */
  deleted: Backup[];
  /** Deletions that failed, each with its reason; retried at the next sweep. */
  failures: { backupId: string; error: unknown }[];
}

/** Applies one policy's retention to its backups, cluster by cluster; a policy without rules is left alone. */
export async function applyRetention(catalog: Pick<BackupCatalog, "listAll" | "delete">, policy: Policy, now: Date): Promise<RetentionOutcome> {
  const outcome: RetentionOutcome = { deleted: [], failures: [] };
  if (!hasRetentionRules(policy.retention)) return outcome;
  const byCluster = new Map<string, Backup[]>();
  for (const backup of await catalog.listAll({ policyId: policy.id })) {
    const list = byCluster.get(backup.clusterId) ?? [];
    list.push(backup);
    byCluster.set(backup.clusterId, list);
  }
  for (const backups of byCluster.values()) {
    for (const backup of selectRetained(backups, policy.retention, now).remove) {
      try {
        outcome.deleted.push(await catalog.delete(backup.id));
      } catch (error) {
        outcome.failures.push({ backupId: backup.id, error });
      }
    }
  }
  return outcome;
}
