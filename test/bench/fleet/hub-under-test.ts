import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import { freePort } from "../../harness/src/free-port.js";
import { spawnGroup, type ProcessGroup } from "../../harness/src/process-group.js";
import { raisedOpenFileLimit } from "./open-files.js";

export const CLI_MAIN = fileURLToPath(new URL("../../../hub/dist/cli/main.js", import.meta.url));

export interface HubUnderTest {
  address: string;
  pid: number;
  dataDir: string;
  caCertificatePem: string;
  adminCredential: string;
  keyPrefix: string;
  maxMessageBytes: number;
  /** The hub's log so far (tail). */
  output(): string;
  stop(): Promise<void>;
}

export interface HubOptions {
  dataDir: string;
  redisUrl: string;
  keyPrefix: string;
  heartbeatIntervalMs: number;
  /** Extra node flags for the hub, e.g. --cpu-prof. */
  nodeFlags: string[];
}

/** Fails with what to run when the CLI has not been built. */
export function assertHubBuilt(): void {
  if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: build first (npx turbo run build)`);
}

/**
 * `lifeboat hub init`, then `lifeboat hub start` as its own process group (so its RSS and CPU
 * are its own), with the open-file limit raised; resolves once it logs "hub listening".
 */
export async function startHubUnderTest(options: HubOptions): Promise<HubUnderTest> {
  await promisify(execFile)(process.execPath, [CLI_MAIN, "hub", "init", "--data-dir", options.dataDir, "--redis-url", options.redisUrl, "--key-prefix", options.keyPrefix]);
  const configFile = join(options.dataDir, "hub.yaml");
  const config = parse(await readFile(configFile, "utf8")) as { agents?: Record<string, number>; maxMessageBytes?: number };
  config.agents = { ...config.agents, heartbeatIntervalMs: options.heartbeatIntervalMs };
  await writeFile(configFile, stringify(config), { mode: 0o600 });

  const address = `127.0.0.1:${await freePort()}`;
  const [command, args] = raisedOpenFileLimit(process.execPath, [...options.nodeFlags, CLI_MAIN, "hub", "start", "--data-dir", options.dataDir, "--listen", address, "--hub-id", "bench-hub"]);
  // Without LIFEBOAT_* from the operator's shell: the hub sees only what is passed here.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("LIFEBOAT_")));
  const group: ProcessGroup = await spawnGroup(command, args, { env, cwd: options.dataDir });
  await group.waitReady(() => group.output().includes("hub listening"), { what: "lifeboat hub start", timeoutMs: 60_000, intervalMs: 100 });
  return {
    address,
    pid: group.pid,
    dataDir: options.dataDir,
    caCertificatePem: await readFile(join(options.dataDir, "ca.crt"), "utf8"),
    adminCredential: (await readFile(join(options.dataDir, "admin-credential"), "utf8")).trim(),
    keyPrefix: options.keyPrefix,
    maxMessageBytes: config.maxMessageBytes ?? 16 * 1024 * 1024,
    output: () => group.output(),
    // SIGTERM: the hub stops cleanly (and writes its --cpu-prof profile); SIGKILL after 60 s.
    stop: () => group.stop(60_000),
  };
}
