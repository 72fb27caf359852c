import type { JsonValue } from "@bufbuild/protobuf";
import { Option, type Command } from "commander";
import { createRequire } from "node:module";

export const OUTPUT_FORMATS = ["table", "json", "yaml"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Adds `-o, --output table|json|yaml` (default table) to a command. */
export function withOutputOption(command: Command): Command {
  return command.addOption(new Option("-o, --output <format>", "output format").choices(OUTPUT_FORMATS).default("table"));
}

/** One column of a table: its header and how to show a row's cell. */
export interface Column<T> {
  header: string;
  value: (row: T) => string;
}

/** Rows as left-aligned columns separated by three spaces, headers in capitals (kubectl's look). */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = [columns.map((column) => column.header.toUpperCase()), ...rows.map((row) => columns.map((column) => oneLine(column.value(row))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  return cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!))).join("   ").trimEnd()).join("\n") + "\n";
}

/** Field/value lines for one record, the table form of a single message. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([name]) => name.length)) + 1;
  return fields.map(([name, value]) => `${`${name}:`.padEnd(width)} ${oneLine(value)}`.trimEnd()).join("\n") + "\n";
}

/** Writes a value as JSON or YAML, or `table` (already rendered) for the table format. */
export function writeOutput(format: OutputFormat, value: JsonValue, table: () => string): void {
  process.stdout.write(formatOutput(format, value, table));
}

export function formatOutput(format: OutputFormat, value: JsonValue, table: () => string): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(value, null, 2)}\n`;
    case "yaml":
      // Loaded only for YAML output: most runs never need it, and every run pays its load time.
      return (createRequire(import.meta.url)("yaml") as typeof import("yaml")).stringify(value);
    case "table":
      return table();
  }
}

/** Labels as `k=v,k2=v2`, sorted by key. */
export function formatLabels(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(",");
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}
