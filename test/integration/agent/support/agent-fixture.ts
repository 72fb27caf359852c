// What the agent suites share: an emulator, a state directory, logs captured in memory.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAgent, type AgentOptions, type RunningAgent } from "@lifeboat/agent";
import { pino, type Logger } from "pino";
import type { FakeHub } from "./fake-hub.js";

/** A pino logger whose lines (JSON text) land in `lines`. */
export function captureLogs(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Starts an agent against `hub`, fast to reconnect; stopped by the returned stop or by stopAll. */
export async function startTestAgent(hub: FakeHub, options: Partial<AgentOptions> & Pick<AgentOptions, "stateDir" | "kubeconfig">): Promise<RunningAgent> {
  return startAgent({
    hubAddress: hub.address,
    hubCaCertificatePem: hub.ca.certificatePem,
    concurrency: 2,
    inventoryPeriod: 0,
    reconnectBackoff: { initialMs: 50, maxMs: 400 },
    ...options,
  });
}

export function waitUntil(condition: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`${what} not met within ${timeoutMs} ms`));
      setTimeout(check, 20);
    };
    check();
  });
}
