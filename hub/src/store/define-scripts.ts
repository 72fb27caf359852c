import { readFileSync } from "node:fs";
import type { ChainableCommander, Redis } from "ioredis";
import { luaKeyFunctions } from "./keys.js";

/**
 * The hub's Redis commands (tasks, clusters, registration tokens), each one Lua script in
 * ./scripts named for it.
 */
export const TASK_SCRIPTS = {
  lifeboatEnqueue: "enqueue",
  lifeboatLease: "lease",
  lifeboatRenew: "renew",
  lifeboatComplete: "complete",
  lifeboatFail: "fail",
  lifeboatCancel: "cancel",
  lifeboatRequeueExpired: "requeue-expired",
  lifeboatAdopt: "adopt",
  lifeboatRegisterCluster: "register-cluster",
  lifeboatConnectCluster: "connect-cluster",
  lifeboatDisconnectCluster: "disconnect-cluster",
  lifeboatHeartbeatCluster: "heartbeat-cluster",
  lifeboatUpdateCluster: "update-cluster",
  lifeboatRenewCertificate: "renew-certificate",
  lifeboatDeleteCluster: "delete-cluster",
  lifeboatDisconnectStale: "disconnect-stale",
  lifeboatCreateToken: "create-token",
  lifeboatRevokeToken: "revoke-token",
} as const;

export type TaskScriptName = keyof typeof TASK_SCRIPTS;

/**
 * Every script takes ARGV only: [prefix, now ("" = Redis clock), events MAXLEN, ...own args]
 * (see scripts/includes/task-common.lua). Replies are the scripts' own shapes.
 */
type ScriptCall = (...argv: (string | number | Buffer)[]) => Promise<unknown>;
export type TaskScriptCommands = Record<TaskScriptName, ScriptCall>;

const INCLUDES = ["includes/task-common.lua", "includes/fleet-common.lua"];

let sources: Map<TaskScriptName, string> | undefined;

/** The full source of each script: generated key functions, the shared include, the script. */
export function taskScriptSources(): Map<TaskScriptName, string> {
  if (sources) return sources;
  // Resolved next to this module: src/store/scripts when run from source, and
  // dist/store/scripts after a build (the build copies the .lua files there).
  const read = (file: string): string => readFileSync(new URL(`./scripts/${file}`, import.meta.url), "utf8");
  const prelude = [luaKeyFunctions(), ...INCLUDES.map(read)].join("\n");
  sources = new Map(
    (Object.entries(TASK_SCRIPTS) as [TaskScriptName, string][]).map(([command, file]) => [
      command,
      `${prelude}\n-- ${file}.lua\n${read(`${file}.lua`)}`,
    ]),
  );
  return sources;
}

/**
 * Registers the task scripts on a connection with ioredis `defineCommand` (EVALSHA, with
 * EVAL when Redis has lost its script cache, e.g. after a restart). Safe to call twice.
 */
export function defineTaskScripts(redis: Redis): Redis & TaskScriptCommands {
  for (const [command, lua] of taskScriptSources()) {
    if (typeof (redis as unknown as Record<string, unknown>)[command] !== "function") {
      redis.defineCommand(command, { numberOfKeys: 0, lua });
    }
  }
  return redis as Redis & TaskScriptCommands;
}

/** A pipeline on a connection that went through `defineTaskScripts`. */
export type TaskPipeline = ChainableCommander & Record<TaskScriptName, (...argv: (string | number)[]) => TaskPipeline>;
