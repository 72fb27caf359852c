// `backup logs` and `restore logs`: the run's log lines as they came (text), or as JSON values.
import type { JsonValue } from "@bufbuild/protobuf";
import { writeOutput, type OutputFormat } from "../output.js";

// Log lines are JSON objects; one that is not is kept as text rather than lost.
function parseLogLine(line: string): JsonValue {
  try {
    return JSON.parse(line) as JsonValue;
  } catch {
    return line;
  }
}

export function writeLogLines(output: OutputFormat, lines: readonly string[]): void {
  writeOutput(output, lines.map(parseLogLine), () => lines.map((line) => `${line}\n`).join(""));
}
