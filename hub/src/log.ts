/**
 * Where the hub writes what it does. Messages and fields never hold a secret: no token, key or
 * credential (ids, serials and fingerprints are fine).
 */
export interface HubLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON object per line on stderr, for a process supervisor to collect. */
export function jsonLinesLog(base: Record<string, unknown> = {}): HubLog {
  const write = (level: string) => (message: string, fields: Record<string, unknown> = {}) => {
    const line = { time: new Date().toISOString(), level, message, ...base, ...fields };
    process.stderr.write(`${JSON.stringify(line, (_key, value: unknown) => (value instanceof Error ? value.message : value))}\n`);
  };
  return { info: write("info"), warn: write("warn"), error: write("error") };
}

/** Discards everything (tests that assert on behaviour, not logs). */
export const silentLog: HubLog = { info: () => {}, warn: () => {}, error: () => {} };
