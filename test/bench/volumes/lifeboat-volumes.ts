// Lifeboat's side of the volume benchmark, through the built CLI against a running hub, as an
// operator would run it: `backup create --volumes fs --wait` and `restore create --wait` with a
// namespace mapping. Each phase is timed from the command's start to its exit, while the node
// agent's peak memory and CPU and the machine's load are read around it.
import { performance } from "node:perf_hooks";
import { lifeboatCli, type LocalHub } from "../../harness/src/local-hub.js";
import { readCpuSeconds } from "../common/emulator-process.js";
import { watchLoad } from "./load-watch.js";
import { watchPeak } from "./process-peak.js";
import type { LifeboatPhase } from "./report.js";

/** The proto JSON of one VolumeBackup or VolumeRestore of a summary (uint64 as strings, Duration as "1.5s"). */
interface VolumeJson {
  namespace?: string;
  claim?: string;
  persistentVolume?: string;
  phase?: string;
  succeeded?: boolean;
  reason?: string;
  error?: string;
  bytes?: string;
  files?: string;
  bytesRead?: string;
  filesReused?: string;
  duration?: string;
}

interface RecordJson {
  id: string;
  phase?: string;
  createTime?: string;
  startTime?: string;
  completionTime?: string;
  failureReason?: string;
  summary?: { volumes?: VolumeJson[] };
}

export interface LifeboatPids {
  nodeAgent: number;
  clusterAgent: number;
}

export interface VolumesCommandOptions {
  hub: LocalHub;
  cluster: string;
  repository: string;
  pids: LifeboatPids;
  log: (line: string) => void;
  /** For `--wait` on large volumes. */
  timeoutMs: number;
}

/** "12.5s" (proto JSON Duration) as seconds. */
export function durationSeconds(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Seconds between two of a record's times; undefined when either is missing. */
function between(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  return (Date.parse(to) - Date.parse(from)) / 1000;
}

/** The one record a create command printed: an object, or a list of one. */
function oneRecord(stdout: string, what: string): RecordJson {
  const parsed = JSON.parse(stdout) as RecordJson | RecordJson[];
  const record = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!record?.id) throw new Error(`${what} printed no record: ${stdout.slice(0, 500)}`);
  return record;
}

export class LifeboatVolumes {
  constructor(private readonly options: VolumesCommandOptions) {}

  /** Runs `args` (a create command with --wait -o json) as one measured phase. */
  private async measured(what: string, args: string[]): Promise<{ record: RecordJson; phase: Omit<LifeboatPhase, "volumeS" | "bytesRead"> }> {
    const { pids, log } = this.options;
    const nodePeak = watchPeak(pids.nodeAgent);
    const agentPeak = watchPeak(pids.clusterAgent);
    const endLoad = watchLoad();
    const cpuBefore = readCpuSeconds(pids.nodeAgent);
    const started = performance.now();
    const stdout = await lifeboatCli([...args, "--wait", "-o", "json", ...this.options.hub.admin], {
      timeoutMs: this.options.timeoutMs,
      onStderr: (text) => {
        for (const line of text.split("\n")) if (line.trim()) log(`  ${line.trim()}`);
      },
    });
    const wallS = (performance.now() - started) / 1000;
    const cpuS = readCpuSeconds(pids.nodeAgent) - cpuBefore;
    const node = nodePeak.end();
    const agent = agentPeak.end();
    const load = endLoad();
    const record = oneRecord(stdout, what);
    return { record, phase: { wallS, queuedS: between(record.createTime, record.startTime), taskS: between(record.startTime, record.completionTime), peakRssMiB: node.peakRssMiB, startRssMiB: nodePeak.startRssMiB, peakExact: node.exact, cpuS, clusterAgentPeakRssMiB: agent.peakRssMiB, ...load } };
  }

  /** A backup of `namespace` with its volumes copied file by file; fails unless it COMPLETED with the claim's data. */
  async backup(namespace: string, claim: string): Promise<{ id: string; phase: LifeboatPhase }> {
    const { record, phase } = await this.measured("backup create", [
      "backup", "create", "--cluster", this.options.cluster, "--repository", this.options.repository, "--include-namespaces", namespace, "--volumes", "fs",
    ]);
    const described = oneRecord(await lifeboatCli(["backup", "describe", record.id, "-o", "json", ...this.options.hub.admin]), "backup describe");
    const volume = described.summary?.volumes?.find((v) => v.namespace === namespace && v.claim === claim);
    if (!volume || volume.phase !== "VOLUME_BACKUP_PHASE_COMPLETED") {
      throw new Error(`backup ${record.id} (${described.phase}) did not copy claim ${namespace}/${claim}: ${volume ? `${volume.phase}: ${volume.reason}` : "not in the summary's volumes"}`);
    }
    return { id: record.id, phase: { ...phase, volumeS: durationSeconds(volume.duration), bytesRead: volume.bytesRead === undefined ? 0 : Number(volume.bytesRead) } };
  }

  /** Restores `backupId`'s namespace `from` as `to`; fails unless the claim's data was written. */
  async restore(backupId: string, from: string, to: string, claim: string): Promise<{ id: string; phase: LifeboatPhase }> {
    const { record, phase } = await this.measured("restore create", [
      "restore", "create", "--from-backup", backupId, "--to-cluster", this.options.cluster, "--include-namespaces", from, "--namespace-mapping", `${from}:${to}`,
    ]);
    const described = oneRecord(await lifeboatCli(["restore", "describe", record.id, "-o", "json", ...this.options.hub.admin]), "restore describe");
    const volume = described.summary?.volumes?.find((v) => v.namespace === to && v.claim === claim);
    if (!volume?.succeeded) {
      throw new Error(`restore ${record.id} (${described.phase}) did not write claim ${to}/${claim}: ${volume ? volume.error : "not in the summary's volumes"}`);
    }
    return { id: record.id, phase: { ...phase, volumeS: durationSeconds(volume.duration) } };
  }
}
