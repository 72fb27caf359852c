// Sections `backup describe` and `restore describe` both print: counts per resource or namespace,
// lists cut short unless --details, hook outcomes.
import { durationMs } from "@bufbuild/protobuf/wkt";
import type { HookResult } from "@lifeboat/proto";
import { renderTable } from "../output.js";

/** How many lines of a list show without --details. */
export const BRIEF_LIMIT = 10;

/** `text` with every non-blank line indented two spaces. */
export function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `  ${line}`))
    .join("\n");
}

/** A title and its lines, cut to the first few unless `details`; nothing when there are no lines. */
export function renderList(title: string, lines: readonly string[], details: boolean): string {
  if (lines.length === 0) return "";
  const shown = details ? lines : lines.slice(0, BRIEF_LIMIT);
  const more = lines.length - shown.length;
  return `${[title, ...shown, ...(more > 0 ? [`  … ${more} more (--details)`] : [])].join("\n")}\n`;
}

/** `title:` and a table of item counts per `what`, most first; nothing when there are none. */
export function renderCounts(title: string, what: string, values: Record<string, bigint>, emptyKey = ""): string {
  const rows = Object.entries(values).sort(([a, x], [b, y]) => (x === y ? a.localeCompare(b) : y > x ? 1 : -1));
  if (rows.length === 0) return "";
  const table = renderTable(rows, [
    { header: what, value: ([key]) => key || emptyKey },
    { header: "items", value: ([, n]) => String(n) },
  ]);
  return `${title}:\n${indent(table)}`;
}

/** `name ns/pod/container: ok, exit 0 in 1.2s`: which hook ran where, and how it ended. */
export function formatHook(h: HookResult): string {
  const outcome = h.succeeded ? `ok, exit ${h.exitCode}` : `FAILED${h.error ? `: ${h.error}` : `, exit ${h.exitCode}`}`;
  const took = h.duration ? ` in ${(durationMs(h.duration) / 1000).toFixed(1)}s` : "";
  return `${h.hook || "(unnamed)"} ${h.namespace}/${h.pod}${h.container ? `/${h.container}` : ""}: ${outcome}${took}`;
}
