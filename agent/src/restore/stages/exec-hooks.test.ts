import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { HookErrorMode, RestoreHookSchema, type HookResult } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import type { PodExecutor } from "../../backup/hooks/pod-exec.js";
import type { KubeObject } from "../types.js";
import { runRestoreExecHooks } from "./exec-hooks.js";

function pod(name: string, labels: Record<string, string>, phase: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "shop", labels },
    spec: { containers: [{ name: "app" }] },
    status: { phase, containerStatuses: phase === "Running" ? [{ name: "app", state: { running: {} } }] : [] },
  };
}

async function run(pods: KubeObject[], exec: Array<{ command: string[]; onError?: HookErrorMode }>): Promise<{ results: HookResult[]; ran: string[] }> {
  const results: HookResult[] = [];
  const ran: string[] = [];
  const executor: PodExecutor = {
    async exec(target, command) {
      ran.push(`${target.pod}:${command.join(" ")}`);
      return command[0] === "fail" ? { exitCode: 1, stdout: "", stderr: "", error: "exit code 1" } : { exitCode: 0, stdout: "ok\n", stderr: "" };
    },
  };
  const hook = create(RestoreHookSchema, { name: "h", labelSelector: "app=db", exec: exec.map((e) => ({ ...e, waitTimeout: durationFromMs(50) })) });
  await runRestoreExecHooks([hook], pods.map((p) => ({ namespace: "shop", name: p.metadata.name! })), {
    exec: executor,
    readPod: async (_namespace, name) => pods.find((p) => p.metadata.name === name),
    onResult: (r) => results.push(r),
    pollMs: 10,
  });
  return { results, ran };
}

describe("restore exec hooks", () => {
  it("runs in the selected running pods only", async () => {
    const { results, ran } = await run([pod("db-0", { app: "db" }, "Running"), pod("web-0", { app: "web" }, "Running")], [{ command: ["echo"] }]);
    expect(ran).toEqual(["db-0:echo"]);
    expect(results.map((r) => [r.pod, r.succeeded, r.stdout])).toEqual([["db-0", true, "ok\n"]]);
  });

  it("fails a command whose pod never runs within the wait timeout, saying so", async () => {
    const { results, ran } = await run([pod("db-0", { app: "db" }, "Pending")], [{ command: ["echo"] }]);
    expect(ran).toEqual([]);
    expect(results[0]).toMatchObject({ succeeded: false, exitCode: -1 });
    expect(results[0]!.error).toMatch(/was not running within 0 s \(pod phase Pending\)/);
  });

  it("stops a pod's remaining commands after a failure when on_error is FAIL, and goes on when CONTINUE", async () => {
    const failing = await run([pod("db-0", { app: "db" }, "Running")], [{ command: ["fail"], onError: HookErrorMode.FAIL }, { command: ["echo"] }]);
    expect(failing.ran).toEqual(["db-0:fail"]);
    const going = await run([pod("db-0", { app: "db" }, "Running")], [{ command: ["fail"], onError: HookErrorMode.CONTINUE }, { command: ["echo"] }]);
    expect(going.ran).toEqual(["db-0:fail", "db-0:echo"]);
  });
});
