import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** The built CLI: these suites test what ships, so `npx turbo run build --filter=@lifeboat/hub` comes first. */
export const CLI_MAIN = fileURLToPath(new URL("../../../../hub/dist/cli/main.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Fails with a clear message when the CLI has not been built. */
export function assertCliBuilt(): void {
  if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: run \`npx turbo run build --filter=@lifeboat/hub\` first`);
}

/** The environment without the operator's LIFEBOAT_* settings, so a test sees only what it passes. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("LIFEBOAT_")));
  return { ...env, ...extra };
}

/** Runs `lifeboat <args>` as a child process to completion. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_MAIN, ...args], { env: cleanEnv(env), timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `lifeboat <args>` against a hub whose connection flags `connection()` gives (read at each call). */
export function lifeboatAt(connection: () => readonly string[]): (...args: string[]) => Promise<CliResult> {
  return (...args) => runCli([...args, ...connection()]);
}

/** Exactly one `lifeboat: …` line on stderr, nothing on stdout, and `secret` (when given) nowhere. */
export function expectOneErrorLine(result: CliResult, code: number, message: RegExp, secret?: string): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).toMatch(/^lifeboat: [^\n]+\n$/);
  expect(result.stderr).toMatch(message);
  expect(result.stdout).toBe("");
  if (secret !== undefined) expect(result.stderr).not.toContain(secret);
}
