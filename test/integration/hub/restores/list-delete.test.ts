import { create } from "@bufbuild/protobuf";
import { RestorePhase, RestoreSpecSchema, type GetRestoreLogsResponse, type GetRestoreResponse, type ListRestoresResponse, type Restore } from "@lifeboat/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRestoreHandlers, type AdminRestoreHandlers } from "../../../../hub/src/grpc/admin-restores.js";
import { silentLog, type ClusterId } from "../../../../hub/src/index.js";
import { FakeAgentRun, TestDirectory, registerCluster, testPrefix, useRedisAndRepository, waitFor, withWritableRepository } from "../backups/support/catalog-fixture.js";
import { recordBackup, restoreEventTypes, startRestoreHub, type RestoreHub } from "./support/restore-fixture.js";

// The handlers take no context of their own.
const context = {} as never;
const west = "west" as ClusterId;

const summary = {
  items: 4n,
  created: 2n,
  updated: 1n,
  skipped: 0n,
  failed: 1n,
  itemsPerResource: { configmaps: 4n },
  failures: [{ resource: "configmaps", namespace: "shop", name: "big", message: "too large" }],
  warnings: [{ message: "a warning" }],
};

describe("listing, reading and deleting restores", () => {
  const suite = useRedisAndRepository();
  let hub: RestoreHub;
  let admin: AdminRestoreHandlers;
  let backupA: string;
  let backupB: string;
  // Oldest first: three of backup A into west, two of backup B into east.
  const made: Restore[] = [];

  beforeAll(async () => {
    hub = await startRestoreHub(suite.redisUrl, testPrefix(), new TestDirectory(suite.access));
    await registerCluster(hub, "east");
    await registerCluster(hub, "west");
    admin = createRestoreHandlers({ catalog: hub.restores, clusterIdOfName: async (name) => (name === "west-by-name" ? "west" : undefined), log: silentLog });
    backupA = (await recordBackup(hub, "east")).id;
    backupB = (await recordBackup(hub, "west")).id;
    for (const [cluster, backupId] of [["west", backupA], ["west", backupA], ["east", backupB], ["west", backupA], ["east", backupB]] as const) {
      made.push(await hub.restores.create({ cluster, spec: create(RestoreSpecSchema, { backupId }) }));
      await new Promise((resolve) => setTimeout(resolve, 3)); // distinct create times
    }
    // The first restore into west completes with a full summary.
    const tracker = hub.restoreTracker();
    tracker.start();
    await (await FakeAgentRun.lease(hub.queue, west)).complete({ kind: { case: "restore", value: { phase: RestorePhase.PARTIALLY_FAILED, summary } } });
    await waitFor("the first restore to finish", async () => (await hub.restores.get(made[0]!.id)).phase === RestorePhase.PARTIALLY_FAILED);
  });
  afterAll(async () => {
    await hub?.close();
    expect(hub.errors).toEqual([]);
  });

  const ids = (restores: readonly Restore[]) => restores.map((r) => r.id);
  // The handlers answer with message shapes; these are whole messages.
  const list = async (cluster: string, backupId: string, phase: RestorePhase) =>
    (await admin.listRestores({ cluster, backupId, phase, pageSize: 0, pageToken: "" } as never, context)) as ListRestoresResponse;

  it("lists newest first, filtered by cluster (id or name), backup and phase", async () => {
    const all = await list("", "", 0);
    expect(ids(all.restores)).toEqual(ids([...made].reverse()));
    const byName = await list("west-by-name", "", 0);
    expect(ids(byName.restores)).toEqual([made[3]!.id, made[1]!.id, made[0]!.id]);
    const byBackup = await list("", backupB, 0);
    expect(ids(byBackup.restores)).toEqual([made[4]!.id, made[2]!.id]);
    const partial = await list("west", backupA, RestorePhase.PARTIALLY_FAILED);
    expect(ids(partial.restores)).toEqual([made[0]!.id]);
    // A listed summary holds the counts only; GetRestore has the rest.
    expect(partial.restores[0]!.summary).toMatchObject({ items: 4n, created: 2n, updated: 1n, skipped: 0n, failed: 1n, failures: [], warnings: [], itemsPerResource: {} });
    const got = (await admin.getRestore({ id: made[0]!.id } as never, context)) as GetRestoreResponse;
    expect(got.restore?.summary?.failures.map((f) => f.message)).toEqual(["too large"]);
  });

  it("pages with a token, and refuses a bad token or page size", async () => {
    const seen: string[] = [];
    let token = "";
    do {
      const page = await hub.restores.list({}, { size: 2, token: token || undefined });
      expect(page.restores.length).toBeLessThanOrEqual(2);
      seen.push(...ids(page.restores));
      token = page.nextPageToken;
    } while (token);
    expect(seen).toEqual(ids([...made].reverse()));
    await expect(hub.restores.list({}, { size: 2, token: "nonsense" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "page_token" });
    await expect(hub.restores.list({}, { size: 5000 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "page_size" });
  });

  it("reads a restore's log from the repository, and says NOT_FOUND before one is written", async () => {
    const id = made[0]!.id;
    await expect(hub.restores.logs(made[1]!.id)).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/has no log: it is NEW/) });
    const entries = [
      { time: "2026-11-24T09:00:00.000Z", level: "info", stage: "apply", message: "applied 3 items" },
      { time: "2026-11-24T09:00:01.000Z", level: "error", stage: "apply", message: "too large", resource: "configmaps", namespace: "shop", name: "big" },
    ];
    await withWritableRepository(suite.access, async (repo) => {
      await repo.manifests.put(`restores/${id}/log`, { entries });
      await repo.manifests.put(`restores/${id}/results`, { items: [] });
    });
    const { lines } = (await admin.getRestoreLogs({ id } as never, context)) as GetRestoreLogsResponse;
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(entries);
    await expect(admin.getRestore({ id: "nope" } as never, context)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "id" });
    await expect(admin.getRestore({ id: "e".repeat(32) } as never, context)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("deletes a finished restore with its repository records, and cancels a live one's task first", async () => {
    const finished = made[0]!.id;
    const { restore } = await admin.deleteRestore({ id: finished } as never, context);
    expect(restore?.phase).toBe(RestorePhase.DELETING);
    await expect(hub.restores.get(finished)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const left = await withWritableRepository(suite.access, (repo) => repo.manifests.list("restores/"));
    expect(left.filter((name) => name.includes(finished))).toEqual([]);

    const live = made[1]!;
    await admin.deleteRestore({ id: live.id } as never, context);
    expect((await hub.queue.get(live.taskId as never))?.state).toBe("cancelled");
    await expect(hub.restores.get(live.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(ids((await hub.restores.list({ clusterId: "west" }, { size: 10 })).restores)).toEqual([made[3]!.id]);
    expect(ids((await hub.restores.list({ phase: RestorePhase.DELETING }, { size: 10 })).restores)).toEqual([]);
    await expect(admin.deleteRestore({ id: live.id } as never, context)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await restoreEventTypes(hub)).filter((type) => type === "restore.deleted")).toHaveLength(2);
  });
});
