export { selectRetained, countsForRetention, hasRetentionRules, type RetentionDecision } from "./select-retained.js";
export { applyRetention, type RetentionOutcome } from "./apply-retention.js";
export { RetentionSweeper, DEFAULT_RETENTION_EVERY_MS, type RetentionSweeperOptions } from "./retention-sweeper.js";
