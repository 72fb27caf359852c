#!/usr/bin/env node
// The `lifeboat` command: hub setup and operation, the agent, and the admin API.
import { Command, CommanderError } from "commander";
import { HUB_BUILD } from "../version.js";
import { addAgentCommands } from "./commands/agent.js";
import { addClusterCommands } from "./commands/cluster.js";
import { addEventsCommand } from "./commands/events.js";
import { addHubCommands } from "./commands/hub.js";
import { addRepoCommands } from "./commands/repo.js";
import { addTaskCommands } from "./commands/task.js";
import { addTokenCommands } from "./commands/token.js";
import { errorLine, exitCodeFor } from "./errors.js";

/** The command tree; exported so tests and docs can walk it. Commander's own errors throw instead of exiting. */
export function createProgram(): Command {
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
  addHubCommands(program);
  addAgentCommands(program);
  addTokenCommands(program);
  addClusterCommands(program);
  addTaskCommands(program);
  addEventsCommand(program);
  addRepoCommands(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  // grpc-js sets TLS ServerName for a hub dialled by IP, which Node reports as deprecated on
  // stderr; a command's stderr is its one error line, and the warning is nothing the user can act on.
  process.noDeprecation = true;
  try {
    await createProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    // Commander has printed its own message (usage errors) or the help; only its status is left.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`${errorLine(err)}\n`);
    return exitCodeFor(err);
  }
}

// Exit explicitly: a finished command must not linger on a channel or timer someone forgot.
process.exit(await main(process.argv));
