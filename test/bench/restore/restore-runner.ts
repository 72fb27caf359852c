// Runs one restore task, as the agent's executor would, in a process of its own so that its wall
// time, CPU and peak RSS are the restore's alone. The restore benchmark bundles it (runner-build.ts)
// and starts it under /usr/bin/time -v. Prints one JSON line on stdout (RunnerOutput) and exits 0;
// on failure prints one with `error` and exits 1. Progress goes to stderr.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { create, toJson } from "@bufbuild/protobuf";
import { KubeConfig } from "@kubernetes/client-node";
import { RestoreTaskResultSchema, RestoreTaskSchema } from "@lifeboat/proto";
import { taskKinds } from "../../../agent/src/executor/kinds/index.js";
import { runTaskProcess } from "../common/task-runner.js";

const { values: args } = parseArgs({
  options: {
    kubeconfig: { type: "string" },
    "repository-url": { type: "string" },
    "password-file": { type: "string" },
    "backup-id": { type: "string" },
    "restore-id": { type: "string" },
  },
});

for (const name of ["kubeconfig", "repository-url", "password-file", "backup-id", "restore-id"] as const) {
  if (!args[name]) throw new Error(`--${name} is required`);
}
const kube = new KubeConfig();
kube.loadFromFile(args.kubeconfig!);
const password = readFileSync(args["password-file"]!, "utf8").trim();
const task = create(RestoreTaskSchema, {
  restore: { id: args["restore-id"]!, clusterId: "bench-target", clusterName: "bench-target", spec: { backupId: args["backup-id"]! } },
  repository: { name: "bench", url: args["repository-url"]!, credentials: { password } },
});
runTaskProcess("restore-runner", kube, `bench-${task.restore!.id}`, async (context) => toJson(RestoreTaskResultSchema, await taskKinds.restore.run(task, context)) as Record<string, unknown>);
