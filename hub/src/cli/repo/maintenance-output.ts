// How `repo check` and `repo gc` reports read in a terminal.
import type { CheckReport, GcReport } from "@lifeboat/shared/repo";
import { renderFields } from "../output.js";
import { formatBytes } from "./units.js";

export function renderCheck(report: CheckReport): string {
  const summary = renderFields([
    ["packs", String(report.packs)],
    ["index blobs", String(report.indexBlobs)],
    ["contents", String(report.contents)],
    ["records", String(report.records)],
    ["packs read", `${report.packsRead} (${formatBytes(report.bytesRead)})`],
    ["problems", String(report.problems.length)],
  ]);
  const lines = [
    ...report.warnings.map((warning) => `warning: ${warning}`),
    ...report.problems.map((problem) => {
      const records = problem.records && problem.records.length > 0 ? ` (affects ${problem.records.join(", ")})` : "";
      return `problem: ${problem.message}${records}`;
    }),
  ];
  return summary + lines.map((line) => `${line}\n`).join("");
}

export function renderGc(report: GcReport): string {
  const verb = report.dryRun ? "would be " : "";
  const fields: [string, string][] = [
    ["records", String(report.records)],
    ["live contents", String(report.liveContents)],
    ["packs before", String(report.packsBefore)],
    [`packs ${verb}deleted`, String(report.packsDeleted)],
    [`packs ${verb}repacked`, String(report.packsRepacked)],
    [`bytes ${verb}freed`, `${formatBytes(report.bytesFreed)} (${report.bytesFreed})`],
    ["index blobs compacted", String(report.indexBlobsCompacted)],
  ];
  if (report.dryRun) fields.push(["dry run", "yes: nothing was changed"]);
  if (report.deferred) fields.push(["deferred", report.deferred]);
  return renderFields(fields);
}

/** `10%` or `0.1` as a share of packs, 0 < share <= 1; undefined when the text is neither. */
export function parseShare(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!match) return undefined;
  const share = match[2] === "%" ? Number(match[1]) / 100 : Number(match[1]);
  return share > 0 && share <= 1 ? share : undefined;
}
