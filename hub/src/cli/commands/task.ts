import { create } from "@bufbuild/protobuf";
import { TaskSchema, TaskStateSchema, ListTasksRequestSchema, type Task } from "@lifeboat/proto";
import type { Command } from "commander";
import { unaryCall, withAdmin, withAdminConnectionOptions, type AdminConnectionOptions } from "../admin-connection.js";
import { enumName, parseEnum } from "../arguments.js";
import { formatTime, messageJson, renderFields, renderTable, withOutputOption, writeOutput, type Column, type OutputFormat } from "../output.js";

type Common = AdminConnectionOptions & { output: OutputFormat };

const TASK_COLUMNS: Column<Task>[] = [
  { header: "id", value: (t) => t.id },
  { header: "cluster", value: (t) => t.clusterId },
  { header: "kind", value: (t) => taskKind(t) },
  { header: "state", value: (t) => enumName(TaskStateSchema, t.state) },
  { header: "attempt", value: (t) => `${t.attempt}/${t.maxAttempts}` },
  { header: "created", value: (t) => formatTime(t.createTime) },
  { header: "ended", value: (t) => formatTime(t.endTime) },
];

/** `lifeboat task list|get`: work queued for clusters. */
export function addTaskCommands(program: Command): void {
  const task = program
    .command("task")
    .description("list and show tasks (work the hub hands to agents)")
    .addHelpText("after", "\nExamples:\n  $ lifeboat task list --cluster 6f1c… --state failed\n  $ lifeboat task get inventory-0b7e…\n");

  withOutputOption(withAdminConnectionOptions(task.command("list")))
    .description("list tasks, newest first (without results)")
    .option("--cluster <id>", "only this cluster's tasks")
    .option("--state <state>", "only tasks in this state: queued, leased, completed, failed or cancelled")
    .addHelpText("after", "\nExamples:\n  $ lifeboat task list\n  $ lifeboat task list --cluster 6f1c2d9e-… --state leased -o json\n")
    .action(async (options: Common & { cluster?: string; state?: string }) => {
      const state = options.state === undefined ? 0 : parseEnum("--state", options.state, TaskStateSchema);
      const tasks = await withAdmin(options, async (client) => {
        const all: Task[] = [];
        const request = create(ListTasksRequestSchema, { clusterId: options.cluster ?? "", state, pageSize: 1000 });
        do {
          const page = await client.listTasks(request, unaryCall());
          all.push(...page.tasks);
          request.pageToken = page.nextPageToken;
        } while (request.pageToken);
        return all;
      });
      writeOutput(
        options.output,
        tasks.map((t) => messageJson(TaskSchema, t)),
        () => renderTable(tasks, TASK_COLUMNS),
      );
    });

  withOutputOption(withAdminConnectionOptions(task.command("get")))
    .description("show one task with its progress, result or error")
    .argument("<id>", "the task's id")
    .addHelpText("after", "\nExamples:\n  $ lifeboat task get inventory-0b7e…\n  $ lifeboat task get inventory-0b7e… -o yaml   # with the full result\n")
    .action(async (id: string, options: Common) => {
      const { task: t } = await withAdmin(options, (client) => client.getTask({ id }, unaryCall()));
      writeOutput(options.output, messageJson(TaskSchema, t!), () => renderFields(describeTask(t!)));
    });
}

/** The task's kind, from the spec's oneof (`inventory`). */
export function taskKind(task: Task): string {
  return task.spec?.kind.case ?? "";
}

function describeTask(t: Task): [string, string][] {
  return [
    ["id", t.id],
    ["cluster", t.clusterId],
    ["kind", taskKind(t)],
    ["state", enumName(TaskStateSchema, t.state)],
    ["attempt", `${t.attempt}/${t.maxAttempts}`],
    ["progress", t.progress ? `${t.progress.percent}% ${t.progress.message}` : ""],
    ["error", t.error ? `${t.error.code}: ${t.error.message}` : ""],
    ["cancel reason", t.cancelReason],
    ["result", t.result?.kind.case ? `${t.result.kind.case} (all of it: -o yaml)` : ""],
    ["created", formatTime(t.createTime)],
    ["leased", formatTime(t.leaseTime)],
    ["lease expires", formatTime(t.leaseExpireTime)],
    ["ended", formatTime(t.endTime)],
  ];
}
