// Runs one backup task, as the agent's executor would, in a process of its own so that its wall
// time, CPU and peak RSS are the backup's alone. The backup benchmark bundles it (runner-build.ts)
// and starts it under /usr/bin/time -v; from source it also runs as
//   node --import tsx test/bench/backup/backup-runner.ts --kubeconfig F --repository-url file:///DIR
//        --password-file F --backup-id ID
// Prints one JSON line on stdout (RunnerOutput) and exits 0; on failure prints one with `error`
// and exits 1. Progress goes to stderr.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { create, toJson } from "@bufbuild/protobuf";
import { KubeConfig } from "@kubernetes/client-node";
import { BackupMode, BackupTaskResultSchema, BackupTaskSchema } from "@lifeboat/proto";
import { taskKinds } from "../../../agent/src/executor/kinds/index.js";
import { runTaskProcess } from "../common/task-runner.js";

export type { RunnerOutput } from "../common/task-runner.js";

const { values: args } = parseArgs({
  options: {
    kubeconfig: { type: "string" },
    "repository-url": { type: "string" },
    "password-file": { type: "string" },
    "backup-id": { type: "string" },
  },
});

for (const name of ["kubeconfig", "repository-url", "password-file", "backup-id"] as const) {
  if (!args[name]) throw new Error(`--${name} is required`);
}
const kube = new KubeConfig();
kube.loadFromFile(args.kubeconfig!);
const password = readFileSync(args["password-file"]!, "utf8").trim();
const task = create(BackupTaskSchema, {
  backup: { id: args["backup-id"]!, clusterId: "bench-cluster", clusterName: "bench", spec: { repository: "bench", mode: BackupMode.NORMAL } },
  repository: { name: "bench", url: args["repository-url"]!, credentials: { password } },
});
// The kind the agent's executor runs for a backup task.
runTaskProcess("backup-runner", kube, `bench-${task.backup!.id}`, async (context) => toJson(BackupTaskResultSchema, await taskKinds.backup.run(task, context)) as Record<string, unknown>);
