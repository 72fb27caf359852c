import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupSchema, type Backup } from "@lifeboat/proto";
import type { BackupCatalog, BackupFilter, LaunchRequest } from "../../../../../hub/src/backups/catalog-types.js";

export interface Launch extends LaunchRequest {
  time: number;
}

/** A BackupCatalog in memory, recording launches and deletions, for tests of what calls it. */
export class FakeCatalog implements BackupCatalog {
  readonly launches: Launch[] = [];
  readonly deleted: string[] = [];
  readonly backups = new Map<string, Backup>();

  async launch(request: LaunchRequest): Promise<Backup[]> {
    this.launches.push({ ...request, time: Date.now() });
    return request.clusterIds.map((clusterId) =>
      this.add(create(BackupSchema, { id: randomUUID(), clusterId, policyId: request.policyId ?? "", spec: request.spec, phase: BackupPhase.NEW, createTime: timestampFromMs(Date.now()) })),
    );
  }

  add(backup: Backup): Backup {
    this.backups.set(backup.id, backup);
    return backup;
  }

  async get(id: string): Promise<Backup> {
    const backup = this.backups.get(id);
    if (!backup) throw new Error(`backup ${id} not found`);
    return backup;
  }

  async list(filter: BackupFilter, page: { size: number }): Promise<{ backups: Backup[]; nextPageToken: string }> {
    return { backups: (await this.listAll(filter)).slice(0, page.size), nextPageToken: "" };
  }

  async listAll(filter: BackupFilter): Promise<Backup[]> {
    return [...this.backups.values()]
      .filter((b) => (filter.policyId === undefined || b.policyId === filter.policyId) && (filter.clusterId === undefined || b.clusterId === filter.clusterId))
      .sort((a, b) => timestampMs(b.createTime!) - timestampMs(a.createTime!));
  }

  async delete(id: string): Promise<Backup> {
    const backup = await this.get(id);
    this.backups.delete(id);
    this.deleted.push(id);
    return backup;
  }

  /** Launches of policy `policyId`. */
  launchesOf(policyId: string): Launch[] {
    return this.launches.filter((l) => l.policyId === policyId);
  }
}
