// A catalog record rebuilt from a backup's manifest, for a hub that finds a repository's backups
// without having made them.
import { create, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupPhaseSchema, BackupSchema, BackupSpecSchema, BackupSummarySchema, type Backup } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { BackupManifest } from "@lifeboat/shared/repo";
import { DEFAULT_TTL_MS } from "./launch-backups.js";

const PARSE = { ignoreUnknownFields: true } as const;

// Only a finished run writes a manifest; any other phase in one is damage.
const MANIFEST_PHASES = new Set([BackupPhase.COMPLETED, BackupPhase.PARTIALLY_FAILED]);

function phaseOf(manifest: BackupManifest): BackupPhase {
  const value = BackupPhaseSchema.values.find((v) => v.name === manifest.phase || v.localName === manifest.phase);
  if (!value || !MANIFEST_PHASES.has(value.number)) {
    throw new LifeboatError("CORRUPT", `manifest phase ${JSON.stringify(manifest.phase)} is not BACKUP_PHASE_COMPLETED or BACKUP_PHASE_PARTIALLY_FAILED`, { field: "phase", value: manifest.phase });
  }
  return value.number;
}

// The cluster id becomes part of an index key name, so it keeps to the id character set.
const CLUSTER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function clusterOf(manifest: BackupManifest): string {
  if (!CLUSTER_ID.test(manifest.cluster)) {
    throw new LifeboatError("CORRUPT", `manifest cluster ${JSON.stringify(manifest.cluster)} is not a cluster id`, { field: "cluster", value: manifest.cluster });
  }
  return manifest.cluster;
}

function parsed<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new LifeboatError("CORRUPT", `manifest ${what} is not valid proto JSON: ${(err as Error).message}`, { field: what, cause: err });
  }
}

/**
 * The catalog's record of the backup `manifest` describes, found in repository `repository`.
 * The spec's repository is set to `repository`: this hub may know the repository by another name
 * than the hub that made the backup. CORRUPT when the manifest's phase, spec or summary is unreadable.
 */
export function backupFromManifest(manifest: BackupManifest, repository: string): Backup {
  const spec = parsed("spec", () => fromJson(BackupSpecSchema, manifest.spec as JsonValue, PARSE));
  spec.repository = repository;
  const summary = manifest.summary === undefined ? undefined : parsed("summary", () => fromJson(BackupSummarySchema, manifest.summary as JsonValue, PARSE));
  const started = Date.parse(manifest.started);
  const completed = Date.parse(manifest.completed);
  const expires = manifest.expires === undefined ? completed + DEFAULT_TTL_MS : Date.parse(manifest.expires);
  return create(BackupSchema, {
    id: manifest.id,
    clusterId: clusterOf(manifest),
    clusterName: manifest.clusterName ?? "",
    policyId: manifest.policyId ?? "",
    spec,
    phase: phaseOf(manifest),
    summary,
    kubernetesVersion: manifest.kubernetesVersion,
    clusterFingerprint: manifest.clusterFingerprint ?? "",
    labels: { ...(manifest.labels ?? {}) },
    // The manifest keeps no creation time; the run's start is the nearest.
    createTime: timestampFromMs(started),
    startTime: timestampFromMs(started),
    completionTime: timestampFromMs(completed),
    expireTime: timestampFromMs(expires),
  });
}
