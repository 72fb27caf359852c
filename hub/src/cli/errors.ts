import { isLifeboatError, LifeboatError, type ErrorCode } from "@lifeboat/shared/errors";

/** The one table from error code to the CLI's exit status; scripts branch on these. */
const EXIT_CODES: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 2,
  NOT_FOUND: 3,
  UNAUTHENTICATED: 4,
  PERMISSION_DENIED: 4,
  UNAVAILABLE: 5,
};

/** Exit status for an error: the table's for a LifeboatError's code, 1 for anything else. */
export function exitCodeFor(err: unknown): number {
  return isLifeboatError(err) ? (EXIT_CODES[err.code] ?? 1) : 1;
}

/**
 * The one line the CLI prints for a failure: `lifeboat: <message>`. Never a stack; messages are
 * built by Lifeboat code that keeps secrets out of them, and newlines are folded so the line stays one.
 */
export function errorLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `lifeboat: ${message.replace(/\s*\n\s*/g, " ").trim()}`;
}

/** INVALID_ARGUMENT for a bad command-line option, naming it the way the user typed it. */
export function badOption(option: string, value: string, reason: string): LifeboatError {
  return new LifeboatError("INVALID_ARGUMENT", `${option} ${JSON.stringify(value)} is invalid: ${reason}`, { field: option, value });
}
