// The backup catalog as the rest of the hub sees it: policies and retention launch, list and delete
// backups through this narrow interface (hub/src/backups implements it on Redis).
import type { Backup, BackupPhase, BackupSpec } from "@lifeboat/proto";

export interface LaunchRequest {
  /** The clusters to back up, each once; every one must exist. */
  clusterIds: readonly string[];
  spec: BackupSpec;
  /** The policy that fired, when one did. */
  policyId?: string;
}

export interface BackupFilter {
  clusterId?: string;
  policyId?: string;
  phase?: BackupPhase;
  createdAfter?: Date;
  /** Kubernetes label selector syntax on the backups' labels. */
  labelSelector?: string;
}

export interface BackupCatalog {
  /**
   * One backup per cluster. An invalid spec makes FAILED_VALIDATION backups (with the errors) and
   * queues nothing; a valid one makes NEW backups and queues one backup task per cluster.
   */
  launch(request: LaunchRequest): Promise<Backup[]>;
  /** NOT_FOUND naming the id when unknown. */
  get(id: string): Promise<Backup>;
  /** Newest first, a page at a time. */
  list(filter: BackupFilter, page: { size: number; token?: string }): Promise<{ backups: Backup[]; nextPageToken: string }>;
  /** Every backup matching `filter`, newest first (for retention). */
  listAll(filter: BackupFilter): Promise<Backup[]>;
  /** Removes the backup's records from the repository and then from the catalog; returns it as it was. */
  delete(id: string): Promise<Backup>;
}
