// Backup hooks through the emulator's pod exec (1.16 and 1.30): commands run in the selected pods
// before and after the items are taken, with Continue, Fail and timeout semantics.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, HookErrorMode, type BackupHookSchema, type RepositoryAccess } from "@lifeboat/proto";
import { listBackups } from "@lifeboat/shared/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiControllers } from "../../kube-emulator/support/clusters.js";
import { useClientNode } from "../../kube-emulator/support/client-node.js";
import { initRepository, readManifest, readRepository, runBackupTask } from "./support/backup-runner.js";
import { startRunningPod } from "./support/shop-app.js";

type HookInit = MessageInitShape<typeof BackupHookSchema>;

describe.each(["1.16", "1.30"])("backup hooks on a %s cluster", (k8sVersion) => {
  const cluster = useClientNode({ k8sVersion, controllers: apiControllers }, "hooks");
  let dir: string;
  let access: RepositoryAccess;
  let ns: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-hooks-"));
    access = await initRepository(pathToFileURL(join(dir, "repo")).href);
    ns = await cluster.namespace();
    await startRunningPod(cluster.kc, ns, "db-0", { app: "db" }, ["mysql", "sidecar"]);
    await startRunningPod(cluster.kc, ns, "web-1", { app: "web" });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const backupWith = (hooks: HookInit[]) => runBackupTask({ kc: cluster.kc, access, spec: { includedNamespaces: [ns], hooks } });

  it("runs pre and post commands in the selected pods and records their output", async () => {
    const run = await backupWith([
      {
        name: "freeze",
        labelSelector: "app=db",
        pre: [{ command: ["sh", "-c", "echo frozen; echo note >&2"] }],
        post: [{ container: "sidecar", command: ["sh", "-c", "echo thawed in $HOSTNAME"] }],
      },
    ]);
    expect(run.result.phase).toBe(BackupPhase.COMPLETED);
    const hooks = run.result.summary!.hooks;
    expect(hooks.map((h) => [h.phase, h.pod, h.container, h.succeeded, h.exitCode, h.stdout, h.stderr])).toEqual([
      ["pre", "db-0", "mysql", true, 0, "frozen\n", "note\n"],
      ["post", "db-0", "sidecar", true, 0, "thawed in db-0\n", ""],
    ]);
    expect(hooks[0]).toMatchObject({ hook: "freeze", namespace: ns, command: ["sh", "-c", "echo frozen; echo note >&2"], error: "" });
    const results = await readRepository(access, (repo) => repo.manifests.get(`backups/${run.id}/results`));
    expect((results as { hooks: unknown[] }).hooks).toHaveLength(2);
  });

  it("records a failed Continue hook and ends PartiallyFailed with a manifest", async () => {
    const run = await backupWith([{ name: "flush", pre: [{ command: ["sh", "-c", "exit 3"], onError: HookErrorMode.CONTINUE }] }]);
    expect(run.result.phase).toBe(BackupPhase.PARTIALLY_FAILED);
    // Both pods of the namespace ran it (no label selector), and both failures are errors.
    expect(run.result.summary!.hooks.map((h) => [h.pod, h.succeeded, h.exitCode])).toEqual([
      ["db-0", false, 3],
      ["web-1", false, 3],
    ]);
    expect(run.result.summary!.errors).toHaveLength(2);
    expect((await readManifest(access, run.id)).phase).toBe("BACKUP_PHASE_PARTIALLY_FAILED");
  });

  it("stops at a failed Fail hook: the task fails with the reason and no backup is written", async () => {
    const before = await readRepository(access, (repo) => listBackups(repo.manifests));
    const failing = backupWith([{ name: "quiesce", labelSelector: "app=web", pre: [{ command: ["sh", "-c", "exit 4"], onError: HookErrorMode.FAIL }] }]);
    await expect(failing).rejects.toMatchObject({ code: "FAILED_PRECONDITION", field: "spec.hooks[0].pre[0]" });
    await expect(failing).rejects.toThrow(/"quiesce".*web-1.*exit code 4/);
    expect(await readRepository(access, (repo) => listBackups(repo.manifests))).toEqual(before);
  });

  it("gives up on a command that outlives its timeout", async () => {
    const started = Date.now();
    const run = await backupWith([{ name: "slow", labelSelector: "app=web", pre: [{ command: ["sleep", "20"], timeout: durationFromMs(1000) }] }]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.result.phase).toBe(BackupPhase.PARTIALLY_FAILED);
    expect(run.result.summary!.hooks[0]).toMatchObject({ succeeded: false, exitCode: -1, error: "timed out after 1s" });
  });

  it("keeps the last 4 KiB of a long output", async () => {
    const run = await backupWith([{ name: "chatty", labelSelector: "app=web", pre: [{ command: ["sh", "-c", "head -c 10000 /dev/zero | tr '\\000' x; echo end"] }] }]);
    const stdout = run.result.summary!.hooks[0]!.stdout;
    expect(stdout).toHaveLength(4096);
    expect(stdout.endsWith("xend\n")).toBe(true);
  });
});
