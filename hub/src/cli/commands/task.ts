import { create } from "@bufbuild/protobuf";
import { TaskSchema, TaskSpecSchema, TaskState, TaskStateSchema, ListTasksRequestSchema, type Task, type TaskSpec } from "@lifeboat/proto";
import type { Command } from "commander";
import { unaryCall, withAdmin, withAdminConnectionOptions, type AdminConnectionOptions } from "../admin-connection.js";
import { allPages } from "../all-pages.js";
import { badOption } from "../errors.js";
import { enumName, missing, parseCount, parseEnum } from "../arguments.js";
import { renderFields, renderTable, withOutputOption, writeOutput, type Column, type OutputFormat } from "../output.js";
import { messageJson, formatTime } from "../message-output.js";

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

/** `lifeboat task create|list|get|cancel`: work queued for clusters. */
export function addTaskCommands(program: Command): void {
  const task = program
    .command("task")
    .description("create, list, show and cancel tasks (work the hub hands to agents)")
    .addHelpText("after", "\nExamples:\n  $ lifeboat task create 6f1c… --kind inventory --wait\n  $ lifeboat task list --cluster 6f1c… --state failed\n  $ lifeboat task get inventory-0b7e…\n");

  withOutputOption(withAdminConnectionOptions(task.command("create")))
    .description("queue a task for one cluster, several, or every cluster a selector matches; with --wait, follow one until it ends")
    .argument("[cluster-ids...]", "the clusters to run it on (lifeboat cluster list)")
    .option("--selector <selector>", "every cluster with matching labels instead, e.g. env=prod,region!=eu")
    .option("--kind <kind>", `what to run: ${taskKinds().join(", ")}`, "inventory")
    .option("--max-attempts <n>", "attempts before the task fails (the hub's default, 3, when not given)")
    .option("--wait", "wait until the task completes, fails or is cancelled; exit 1 unless it completed (one cluster only)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat task create 6f1c2d9e-… --kind inventory\n  $ lifeboat task create 6f1c2d9e-… --wait -o json   # the finished task, with its result\n  $ lifeboat task create --selector env=prod         # one task per matching cluster, in one call\n",
    )
    .action(async (clusterIds: string[], options: Common & { selector?: string; kind: string; maxAttempts?: string; wait?: boolean }) => {
      const spec = taskSpec(options.kind);
      const maxAttempts = options.maxAttempts === undefined ? 0 : parseCount("--max-attempts", options.maxAttempts);
      if (clusterIds.length === 0 && options.selector === undefined) throw missing("<cluster-ids...> or --selector", "name the clusters to run the task on");
      if (clusterIds.length > 0 && options.selector !== undefined) throw badOption("--selector", options.selector, "give cluster ids or --selector, not both");
      if (clusterIds.length === 1) {
        const t = await withAdmin(options, async (client) => {
          const { task: queued } = await client.createTask({ clusterId: clusterIds[0]!, spec, maxAttempts }, unaryCall());
          if (!options.wait) return queued!;
          process.stderr.write(`task ${queued!.id} queued; waiting for it to end (Ctrl-C stops waiting, not the task)\n`);
          return waitForEnd(queued!.id, (id) => client.getTask({ id }, unaryCall()).then((r) => r.task!));
        });
        writeOutput(options.output, messageJson(TaskSchema, t), () => renderFields(describeTask(t)));
        if (options.wait && t.state !== TaskState.COMPLETED) process.exitCode = 1;
        return;
      }
      if (options.wait) throw badOption("--wait", "true", "it follows one task; for a fan-out use `lifeboat events` or `lifeboat task list`");
      const { tasks } = await withAdmin(options, (client) => client.createTasks({ clusterIds, labelSelector: options.selector ?? "", spec, maxAttempts }, unaryCall()));
      writeOutput(
        options.output,
        tasks.map((t) => messageJson(TaskSchema, t)),
        () => renderTable(tasks, TASK_COLUMNS),
      );
    });

  withOutputOption(withAdminConnectionOptions(task.command("list")))
    .description("list tasks, newest first (without results)")
    .option("--cluster <id>", "only this cluster's tasks")
    .option("--state <state>", "only tasks in this state: queued, leased, completed, failed or cancelled")
    .addHelpText("after", "\nExamples:\n  $ lifeboat task list\n  $ lifeboat task list --cluster 6f1c2d9e-… --state leased -o json\n")
    .action(async (options: Common & { cluster?: string; state?: string }) => {
      const state = options.state === undefined ? 0 : parseEnum("--state", options.state, TaskStateSchema);
      const tasks = await withAdmin(options, async (client) => {
        const request = create(ListTasksRequestSchema, { clusterId: options.cluster ?? "", state, pageSize: 1000 });
        return allPages(async (pageToken) => {
          const page = await client.listTasks({ ...request, pageToken }, unaryCall());
          return { items: page.tasks, nextPageToken: page.nextPageToken };
        });
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

  withOutputOption(withAdminConnectionOptions(task.command("cancel")))
    .description("cancel a queued or running task (its agent is told to stop)")
    .argument("<id>", "the task's id")
    .option("--reason <text>", "recorded on the task and passed to the agent", "cancelled by an administrator")
    .addHelpText("after", "\nExamples:\n  $ lifeboat task cancel inventory-0b7e… --reason 'maintenance window'\n")
    .action(async (id: string, options: Common & { reason: string }) => {
      const { task: t } = await withAdmin(options, (client) => client.cancelTask({ id, reason: options.reason }, unaryCall()));
      writeOutput(options.output, messageJson(TaskSchema, t!), () => renderFields(describeTask(t!)));
    });
}

// Kinds with a command of their own, which records them in a catalog; a bare task of one would run
// without its record, a repository's credentials or a retention.
const CATALOG_KINDS: Record<string, string> = {
  backup: "backups are made with `lifeboat backup create`, which records them in the catalog",
  restore: "restores are made with `lifeboat restore create`, which records them in the catalog",
};

/** The kinds a task can be: the TaskSpec oneof's fields, so a new kind in proto/ shows up here. */
function taskKinds(): string[] {
  return TaskSpecSchema.oneofs[0]!.fields.map((field) => field.localName).filter((kind) => !(kind in CATALOG_KINDS));
}

/** A TaskSpec of the named kind with the kind's default settings. */
function taskSpec(kind: string): TaskSpec {
  if (kind in CATALOG_KINDS) throw badOption("--kind", kind, CATALOG_KINDS[kind]!);
  const field = TaskSpecSchema.oneofs[0]!.fields.find((f) => f.localName === kind);
  if (!field || field.message === undefined) throw badOption("--kind", kind, `expected one of ${taskKinds().join(", ")}`);
  return create(TaskSpecSchema, { kind: { case: field.localName, value: create(field.message) } } as Parameters<typeof create<typeof TaskSpecSchema>>[1]);
}

const POLL_MS = 500;
const FINAL_STATES: readonly TaskState[] = [TaskState.COMPLETED, TaskState.FAILED, TaskState.CANCELLED];

/** Polls the task until it is final, writing each new progress line to stderr. */
async function waitForEnd(id: string, get: (id: string) => Promise<Task>): Promise<Task> {
  let said = "";
  for (;;) {
    const t = await get(id);
    const line = `${enumName(TaskStateSchema, t.state)}${t.progress ? ` ${t.progress.percent}% ${t.progress.message}` : ""} (attempt ${t.attempt}/${t.maxAttempts})`;
    if (line !== said) process.stderr.write(`${line}\n`);
    said = line;
    if (FINAL_STATES.includes(t.state)) return t;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
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
