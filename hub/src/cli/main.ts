#!/usr/bin/env node
// The `lifeboat` command: hub setup and operation, the agent, and the admin API.
import { Command, CommanderError } from "commander";
import { HUB_BUILD } from "../version.js";
import { errorLine, exitCodeFor } from "./errors.js";

type AddCommands = (program: Command) => void;

// Command groups in help order, each loaded only when it runs (or for the full help): the hub and
// agent modules take half a second to load, which `lifeboat repo snapshot` should not pay.
const GROUPS: Record<string, () => Promise<AddCommands>> = {
  hub: async () => (await import("./commands/hub.js")).addHubCommands,
  agent: async () => (await import("./commands/agent.js")).addAgentCommands,
  "node-agent": async () => (await import("./commands/node-agent.js")).addNodeAgentCommands,
  token: async () => (await import("./commands/token.js")).addTokenCommands,
  cluster: async () => (await import("./commands/cluster.js")).addClusterCommands,
  task: async () => (await import("./commands/task.js")).addTaskCommands,
  events: async () => (await import("./commands/events.js")).addEventsCommand,
  repository: async () => (await import("./commands/repository.js")).addRepositoryCommands,
  policy: async () => (await import("./commands/policy.js")).addPolicyCommands,
  backup: async () => (await import("./commands/backup.js")).addBackupCommands,
  restore: async () => (await import("./commands/restore.js")).addRestoreCommands,
  migrate: async () => (await import("./commands/restore.js")).addMigrateCommand,
  repo: async () => (await import("./commands/repo.js")).addRepoCommands,
};

/**
 * The command tree (only group `only`'s branch when given); exported so tests and docs can walk it.
 * Commander's own errors throw instead of exiting.
 */
export async function createProgram(only?: string): Promise<Command> {
  const program = new Command("lifeboat")
    .description("Lifeboat: backup, disaster recovery and migration for fleets of Kubernetes clusters")
    .version(HUB_BUILD.version)
    .showSuggestionAfterError()
    // Set before subcommands are added: they inherit both.
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`lifeboat: ${text.replace(/^error: /, "").replace(/\s*\n\s*/g, " ").trim()}\n`) })
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat hub init --data-dir /var/lib/lifeboat\n  $ lifeboat hub start --data-dir /var/lib/lifeboat\n  $ lifeboat token create --ttl 1h --labels env=dev --data-dir /var/lib/lifeboat\n  $ lifeboat cluster list -o yaml\n\nExit status: 0 ok, 2 invalid argument, 3 not found, 4 not authenticated or permitted, 5 hub unavailable, 1 anything else.\n",
    );
  for (const [name, load] of Object.entries(GROUPS)) if (only === undefined || only === name) (await load())(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  // grpc-js sets TLS ServerName for a hub dialled by IP, which Node reports as deprecated on
  // stderr; a command's stderr is its one error line, and the warning is nothing the user can act on.
  process.noDeprecation = true;
  try {
    const group = argv[2];
    await (await createProgram(group !== undefined && group in GROUPS ? group : undefined)).parseAsync(argv);
    // A command that printed its outcome and set a failing status (task create --wait) keeps it.
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    // Commander has printed its own message (usage errors) or the help; only its status is left.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`${errorLine(err)}\n`);
    return exitCodeFor(err);
  }
}

// Exit explicitly: a finished command must not linger on a channel or timer someone forgot.
process.exit(await main(process.argv));
