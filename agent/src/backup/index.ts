// Backing up a cluster's resources into the repository: the pipeline and the names it uses.
export { runBackup, type BackupContext } from "./run-backup.js";
export type { BackupStage } from "./backup-progress.js";
export { DEFAULT_HOOK_TIMEOUT_MS } from "./stages/hooks.js";
export { HOOK_OUTPUT_LIMIT } from "./hooks/output-tail.js";
