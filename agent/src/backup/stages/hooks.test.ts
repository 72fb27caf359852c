import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { BackupHookSchema, ExecHookSchema, HookErrorMode, type BackupHook, type HookResult } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import type { ExecOutcome, ExecTarget, PodExecutor } from "../hooks/pod-exec.js";
import { checkHooks, DEFAULT_HOOK_TIMEOUT_MS, runHooks, type HookContext, type HookPod } from "./hooks.js";

const pods: Record<string, HookPod[]> = {
  shop: [
    { namespace: "shop", name: "db-0", containers: ["mysql", "sidecar"] },
    { namespace: "shop", name: "web-1", containers: ["web"] },
  ],
  blog: [{ namespace: "blog", name: "db-0", containers: ["mysql"] }],
};

/** Runs nothing: answers each command by its first word ("fail" exits 3) and records what ran. */
function fakeCluster(): { context: HookContext; ran: Array<ExecTarget & { command: string; timeoutMs: number }>; results: HookResult[] } {
  const ran: Array<ExecTarget & { command: string; timeoutMs: number }> = [];
  const results: HookResult[] = [];
  const exec: PodExecutor = {
    async exec(target, command, timeoutMs): Promise<ExecOutcome> {
      ran.push({ ...target, command: command.join(" "), timeoutMs });
      if (command[0] === "fail") return { exitCode: 3, stdout: "", stderr: "no", error: "exit code 3" };
      return { exitCode: 0, stdout: "ok", stderr: "" };
    },
  };
  return {
    ran,
    results,
    context: {
      exec,
      onResult: (r) => results.push(r),
      // The label selector is the API's to apply; here "app=db" picks the db pods.
      findPods: async (namespace, selector) => (pods[namespace] ?? []).filter((p) => selector === "" || (selector === "app=db" && p.name.startsWith("db"))),
    },
  };
}

function hook(fields: MessageInitShape<typeof BackupHookSchema>): BackupHook {
  return create(BackupHookSchema, { name: "flush", ...fields });
}

describe("backup hooks", () => {
  it("runs each pre command in each selected pod's first container unless one is named, with the default timeout", async () => {
    const { context, ran, results } = fakeCluster();
    const hooks = [
      hook({
        labelSelector: "app=db",
        pre: [create(ExecHookSchema, { command: ["sync"] }), create(ExecHookSchema, { container: "sidecar", command: ["flush", "now"], timeout: durationFromMs(5000) })],
        post: [create(ExecHookSchema, { command: ["unfreeze"] })],
      }),
    ];
    const returned = await runHooks("pre", hooks, ["blog", "shop"], context);
    expect(ran).toEqual([
      { namespace: "blog", pod: "db-0", container: "mysql", command: "sync", timeoutMs: DEFAULT_HOOK_TIMEOUT_MS },
      { namespace: "shop", pod: "db-0", container: "mysql", command: "sync", timeoutMs: DEFAULT_HOOK_TIMEOUT_MS },
      { namespace: "shop", pod: "db-0", container: "sidecar", command: "flush now", timeoutMs: 5000 },
    ]);
    expect(returned).toEqual(results);
    // blog/db-0 has no sidecar: recorded as a failure without running anything there.
    expect(results[1]).toMatchObject({ succeeded: false, exitCode: -1, phase: "pre", hook: "flush" });
    expect(results[1]!.error).toContain('no container "sidecar"');
    expect(results[2]).toMatchObject({ succeeded: true, exitCode: 0, stdout: "ok", namespace: "shop", pod: "db-0", container: "mysql", command: ["sync"] });
  });

  it("keeps to the hook's namespaces within the backed-up ones", async () => {
    const { context, ran } = fakeCluster();
    await runHooks("post", [hook({ excludedNamespaces: ["blog"], post: [create(ExecHookSchema, { command: ["unfreeze"] })] })], ["blog", "shop"], context);
    expect(ran.map((r) => `${r.namespace}/${r.pod}`)).toEqual(["shop/db-0", "shop/web-1"]);
    const none = fakeCluster();
    await runHooks("post", [hook({ includedNamespaces: ["other"], post: [create(ExecHookSchema, { command: ["unfreeze"] })] })], ["blog", "shop"], none.context);
    expect(none.ran).toEqual([]);
  });

  it("records a failed Continue command and goes on", async () => {
    const { context, results } = fakeCluster();
    await runHooks("pre", [hook({ pre: [create(ExecHookSchema, { command: ["fail"] }), create(ExecHookSchema, { command: ["sync"] })] })], ["blog"], context);
    expect(results.map((r) => [r.command[0], r.succeeded])).toEqual([
      ["fail", false],
      ["sync", true],
    ]);
    expect(results[0]).toMatchObject({ exitCode: 3, stderr: "no", error: "exit code 3" });
  });

  it("stops at a failed Fail command with FAILED_PRECONDITION naming the hook and pod", async () => {
    const { context, ran, results } = fakeCluster();
    const running = runHooks("pre", [hook({ pre: [create(ExecHookSchema, { command: ["fail"], onError: HookErrorMode.FAIL }), create(ExecHookSchema, { command: ["sync"] })] })], ["blog", "shop"], context);
    await expect(running).rejects.toMatchObject({ code: "FAILED_PRECONDITION", field: "spec.hooks[0].pre[0]", retryable: false });
    await expect(running).rejects.toThrow(/pre hook "flush".*blog\/db-0.*exit code 3/);
    expect(ran).toHaveLength(1);
    expect(results).toHaveLength(1);
  });

  it("refuses a hook command without a command line", () => {
    expect(() => checkHooks([hook({ post: [create(ExecHookSchema, { command: [] })] })])).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field: "spec.hooks[0].post[0].command" }));
    expect(() => checkHooks([hook({ pre: [create(ExecHookSchema, { command: ["sync"] })] })])).not.toThrow();
  });
});
