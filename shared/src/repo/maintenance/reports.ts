// What `repo check` and `repo gc` report. Plain data, so the CLI can print it as a table, JSON or YAML.

export interface CheckProblem {
  /** What is wrong, in one sentence naming the pack, index or record. */
  message: string;
  pack?: string;
  /** Content ids affected (at most a few hundred listed). */
  contents?: string[];
  /** Records (snapshots/<id>, backups/<id>/manifest) whose data is affected. */
  records?: string[];
}

export interface CheckReport {
  packs: number;
  indexBlobs: number;
  contents: number;
  records: number;
  /** Packs whose every blob was decrypted and re-hashed (with --read-data). */
  packsRead: number;
  bytesRead: number;
  problems: CheckProblem[];
  /** Findings that lose nothing (packs no index names, which gc removes). */
  warnings: string[];
}

export interface CheckOptions {
  /** Decrypt and re-hash blobs, not just check structure. */
  readData?: boolean;
  /** With readData: the share of packs to read, 0 < subset <= 1 (default 1). */
  subset?: number;
  progress?: (done: number, total: number, bytes: number) => void;
  signal?: AbortSignal;
}

export interface GcOptions {
  /** Unreferenced packs younger than this are kept (a writer may not have committed yet); default 1 h. */
  graceMs?: number;
  /** Packs whose live share of bytes is below this are repacked; default 0.5. */
  repackBelow?: number;
  /** How long to wait for writers that started before this collection; default 0: defer instead. */
  waitForWritersMs?: number;
  /** Report what would be deleted; change nothing. */
  dryRun?: boolean;
  progress?: (phase: string, done: number, total: number) => void;
}

export interface GcReport {
  /** Records marked from. */
  records: number;
  liveContents: number;
  packsBefore: number;
  packsDeleted: number;
  packsRepacked: number;
  bytesFreed: number;
  indexBlobsCompacted: number;
  /** Set when the sweep did not run, saying why (writers still running, another collection). */
  deferred?: string;
  dryRun: boolean;
}
