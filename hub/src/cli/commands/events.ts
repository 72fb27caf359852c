import { BackupChangeTypeSchema, BackupPhaseSchema, ClusterChangeTypeSchema, ClusterStateSchema, PolicyChangeTypeSchema, EventSchema, RegistrationTokenStateSchema, TaskChangeTypeSchema, TaskStateSchema, TokenChangeTypeSchema, type Event } from "@lifeboat/proto";
import type { Command } from "commander";
import { stringify } from "yaml";
import { withAdmin, withAdminConnectionOptions, type AdminConnectionOptions } from "../admin-connection.js";
import { enumName } from "../arguments.js";
import { withOutputOption, type OutputFormat } from "../output.js";
import { messageJson, formatTime } from "../message-output.js";
import { taskKind } from "./task.js";

/** `lifeboat events`: follows the hub's event stream until interrupted. */
export function addEventsCommand(program: Command): void {
  withOutputOption(withAdminConnectionOptions(program.command("events")))
    .description("follow cluster, task, token, backup and policy changes as they happen, until Ctrl-C")
    .option("--from <event id>", "resume after this event id (the events after it come first)")
    .option("--cluster <id>", "only this cluster's changes and its tasks'")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat events\n  $ lifeboat events --cluster 6f1c2d9e-… -o json\n  $ lifeboat events --from 1732406400000-0   # resume where an earlier run stopped\n\nTable output is one line per event: time, event id, what changed, how, and its state.\n",
    )
    .action(async (options: AdminConnectionOptions & { output: OutputFormat; from?: string; cluster?: string }) => {
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        await withAdmin(options, async (client) => {
          const stream = client.watchEvents({ afterEventId: options.from ?? "", clusterId: options.cluster ?? "" }, { signal: stop.signal });
          for await (const { event } of stream) {
            if (event) process.stdout.write(formatEvent(options.output, event));
          }
        });
      } catch (err) {
        // Ctrl-C is how a follow ends: not a failure.
        if (!stop.signal.aborted) throw err;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}

/** One event as one table line, one JSON line, or one YAML document. */
export function formatEvent(format: OutputFormat, event: Event): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(messageJson(EventSchema, event))}\n`;
    case "yaml":
      return `---\n${stringify(messageJson(EventSchema, event))}`;
    case "table":
      return `${[formatTime(event.time), event.id, ...describeChange(event)].filter((cell) => cell !== "").join("  ")}\n`;
  }
}

function describeChange(event: Event): string[] {
  const change = event.change;
  switch (change.case) {
    case "cluster": {
      const c = change.value.cluster;
      return ["cluster", enumName(ClusterChangeTypeSchema, change.value.type), c ? `${c.name || c.id} (${c.id})` : "", c ? enumName(ClusterStateSchema, c.state) : ""];
    }
    case "task": {
      const t = change.value.task;
      return ["task", enumName(TaskChangeTypeSchema, change.value.type), t ? `${t.id} ${taskKind(t)} on ${t.clusterId}` : "", t ? enumName(TaskStateSchema, t.state) : ""];
    }
    case "token": {
      const t = change.value.token;
      return ["token", enumName(TokenChangeTypeSchema, change.value.type), t?.id ?? "", t ? enumName(RegistrationTokenStateSchema, t.state) : ""];
    }
    case "backup": {
      const b = change.value.backup;
      return ["backup", enumName(BackupChangeTypeSchema, change.value.type), b ? `${b.id} of ${b.clusterName || b.clusterId}` : "", b ? enumName(BackupPhaseSchema, b.phase) : ""];
    }
    case "policy": {
      const p = change.value.policy;
      const made = change.value.backupIds.length > 0 ? ` (${change.value.backupIds.length} backups)` : "";
      return ["policy", enumName(PolicyChangeTypeSchema, change.value.type), `${p?.name ?? ""}${made}`, p?.paused ? "paused" : ""];
    }
    default:
      return ["unknown"];
  }
}
