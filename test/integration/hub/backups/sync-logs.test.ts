import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { BackupPhase, BackupSpecSchema, type Backup, type RepositoryAccess } from "@lifeboat/proto";
import type { ClusterId } from "../../../../hub/src/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { FakeAgentRun, TestDirectory, initRepository, registerCluster, removeDir, startCatalogHub, testPrefix, writeFinishedBackup, type CatalogHub, type LogEntry } from "./support/catalog-fixture.js";

const east = "east" as ClusterId;
const log: LogEntry[] = [
  { time: "2026-01-01T00:00:00.000Z", level: "info", stage: "discover", message: "42 resources served" },
  { time: "2026-01-01T00:00:01.000Z", level: "warn", stage: "serialize", message: "secrets/shop/db: forbidden" },
];

describe("a catalog rebuilt from its repository", () => {
  let redis: RunningRedis;
  let repoDir: string;
  let access: RepositoryAccess;
  let oldHub: CatalogHub;
  let newHub: CatalogHub;
  let completed: Backup;
  let partial: Backup;
  let running: Backup;

  beforeAll(async () => {
    redis = await startRedis();
    const repo = await initRepository();
    repoDir = repo.dir;
    access = repo.access;
    oldHub = await startCatalogHub(redis.url, testPrefix(), new TestDirectory(access));
    await registerCluster(oldHub, "east");
    const spec = create(BackupSpecSchema, { repository: "main", includedNamespaces: ["shop"], labels: { app: "shop" } });
    [completed] = (await oldHub.catalog.launch({ clusterIds: [east], spec, policyId: "pol-nightly" })) as [Backup];
    [partial] = (await oldHub.catalog.launch({ clusterIds: [east], spec })) as [Backup];
    [running] = (await oldHub.catalog.launch({ clusterIds: [east], spec })) as [Backup];
    await writeFinishedBackup(access, completed, { log, summary: { items: 7n, bytes: 700n, itemsPerNamespace: { shop: 7n } } });
    await writeFinishedBackup(access, partial, { phase: BackupPhase.PARTIALLY_FAILED });
    // A manifest no finished run writes: reported, not added.
    const [odd] = (await oldHub.catalog.launch({ clusterIds: [east], spec })) as [Backup];
    await writeFinishedBackup(access, odd, { phaseName: "BACKUP_PHASE_IN_PROGRESS" });
    // The same repository known to a new hub by the same name, with an empty catalog.
    newHub = await startCatalogHub(redis.url, testPrefix(), new TestDirectory(access));
  });
  afterAll(async () => {
    await oldHub?.close();
    await newHub?.close();
    await redis?.stop();
    await removeDir(repoDir);
  });

  it("adds every backup with a manifest, as the hub that made it recorded it", async () => {
    expect(await newHub.catalog.listAll({})).toEqual([]);
    const report = await newHub.catalog.sync("main");
    expect(report.added).toBe(2);
    expect(report.known).toBe(0);
    expect(report.problems).toEqual([expect.stringMatching(/^backups\/[0-9a-f]{32}\/manifest: manifest phase "BACKUP_PHASE_IN_PROGRESS" is not/)]);

    const found = await newHub.catalog.get(completed.id);
    expect(found).toMatchObject({
      id: completed.id,
      clusterId: "east",
      clusterName: "east",
      policyId: "pol-nightly",
      phase: BackupPhase.COMPLETED,
      labels: { app: "shop" },
      kubernetesVersion: "v1.31.0",
      clusterFingerprint: "fp-east",
    });
    expect(found.spec).toMatchObject({ repository: "main", includedNamespaces: ["shop"] });
    expect(found.summary).toMatchObject({ items: 7n, bytes: 700n, itemsPerNamespace: { shop: 7n } });
    expect(timestampMs(found.expireTime!)).toBe(timestampMs(completed.expireTime!));
    expect((await newHub.catalog.get(partial.id)).phase).toBe(BackupPhase.PARTIALLY_FAILED);
    // A backup still running when the repository was read has no manifest yet.
    await expect(newHub.catalog.get(running.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await newHub.catalog.list({ policyId: "pol-nightly" }, { size: 10 })).backups.map((b) => b.id)).toEqual([completed.id]);
  });

  it("counts what it knows on a second sync and on a catalog that made the backups", async () => {
    expect(await newHub.catalog.sync("main")).toMatchObject({ added: 0, known: 2, problems: [expect.any(String)] });
    // The hub that made them knows all three, the odd one too: its record is not read from the manifest.
    expect(await oldHub.catalog.sync("main")).toEqual({ added: 0, known: 3, problems: [] });
    await expect(newHub.catalog.sync("elsewhere")).rejects.toMatchObject({ code: "NOT_FOUND", field: "repository" });
  });

  it("reads a backup's log from the repository, one JSON object per line", async () => {
    const lines = await newHub.catalog.logs(completed.id);
    expect(lines.map((line) => JSON.parse(line) as LogEntry)).toEqual(log);
    await expect(oldHub.catalog.logs(running.id)).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/has no log: it is NEW/) });
  });

  it("gives the log of a backup the tracker saw complete", async () => {
    const run = await FakeAgentRun.lease(oldHub.queue, east);
    expect(run.taskId).toBe(completed.taskId);
    await run.complete({ kind: { case: "backup", value: { phase: BackupPhase.COMPLETED } } });
    const tracker = oldHub.tracker();
    for (const event of await oldHub.events.read("0", 1000)) await tracker.apply(event);
    expect((await oldHub.catalog.get(completed.id)).phase).toBe(BackupPhase.COMPLETED);
    expect(await oldHub.catalog.logs(completed.id)).toHaveLength(2);
  });
});
