export { checkRepository } from "./check.js";
export { collectGarbage } from "./collect-garbage.js";
export { markFrom, recordsReferencing, type MarkResult } from "./mark.js";
export type { CheckOptions, CheckProblem, CheckReport, GcOptions, GcReport } from "./reports.js";
export { rebuildIndex, type RebuildReport } from "./rebuild-index.js";
