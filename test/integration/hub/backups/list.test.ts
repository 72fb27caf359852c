import { create } from "@bufbuild/protobuf";
import { BackupPhase, BackupSpecSchema, type Backup } from "@lifeboat/proto";
import type { ClusterId } from "../../../../hub/src/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RunningRedis } from "../../../harness/src/redis-server.js";
import { FakeAgentRun, TestDirectory, initRepository, registerCluster, removeDir, startCatalogHub, testPrefix, type CatalogHub } from "./support/catalog-fixture.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const MINUTE = 60_000;

describe("listing the catalog", () => {
  let redis: RunningRedis;
  let repoDir: string;
  let hub: CatalogHub;
  let clock = T0;
  /** Every backup made, oldest first. */
  const made: Backup[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const repo = await initRepository();
    repoDir = repo.dir;
    hub = await startCatalogHub(redis.url, testPrefix(), new TestDirectory(repo.access), { now: () => clock });
    await registerCluster(hub, "east");
    await registerCluster(hub, "west");
    // 12 backups a minute apart: east and west in turn, every third by policy pol-a, labels by tier,
    // two pairs launched in the same millisecond.
    for (let i = 0; i < 12; i++) {
      clock = T0 + (i === 5 ? 4 : i) * MINUTE;
      const spec = create(BackupSpecSchema, { repository: "main", labels: { tier: i % 2 === 0 ? "db" : "web", n: String(i) } });
      const [b] = await hub.catalog.launch({ clusterIds: [i % 2 === 0 ? "east" : "west"], spec, ...(i % 3 === 0 ? { policyId: "pol-a" } : {}) });
      made.push(b!);
    }
    // The newest east backup fails; the one before it completes.
    const runs = [];
    for (let i = 0; i < 6; i++) runs.push(await FakeAgentRun.lease(hub.queue, "east" as ClusterId));
    const tracker = hub.tracker();
    await runs[5]!.fail("INTERNAL", "boom");
    await runs[4]!.complete({ kind: { case: "backup", value: { phase: BackupPhase.COMPLETED } } });
    for (const event of await hub.events.read("0", 1000)) await tracker.apply(event);
  });
  afterAll(async () => {
    await hub?.close();
    await redis?.stop();
    await removeDir(repoDir);
  });

  // Newest first; within one millisecond, by id descending.
  const newestFirst = (list: Backup[]): string[] =>
    [...list].sort((a, b) => Number(b.createTime!.seconds - a.createTime!.seconds) || (a.id < b.id ? 1 : -1)).map((b) => b.id);

  it("lists every backup newest first", async () => {
    const page = await hub.catalog.list({}, { size: 0 });
    expect(page.backups.map((b) => b.id)).toEqual(newestFirst(made));
    expect(page.nextPageToken).toBe("");
  });

  it("pages through the catalog without gaps or repeats, the last token empty", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await hub.catalog.list({}, { size: 5, token });
      seen.push(...page.backups.map((b) => b.id));
      token = page.nextPageToken || undefined;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst(made));
  });

  it("filters by cluster, policy, phase, creation time and labels, paging each", async () => {
    const ids = async (filter: Parameters<CatalogHub["catalog"]["list"]>[0], size = 2): Promise<string[]> => {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await hub.catalog.list(filter, { size, token });
        out.push(...page.backups.map((b) => b.id));
        token = page.nextPageToken || undefined;
      } while (token);
      return out;
    };
    expect(await ids({ clusterId: "west" })).toEqual(newestFirst(made.filter((b) => b.clusterId === "west")));
    expect(await ids({ policyId: "pol-a" })).toEqual(newestFirst(made.filter((b) => b.policyId === "pol-a")));
    // Every east task was leased: those backups left NEW.
    expect(await ids({ phase: BackupPhase.NEW })).toEqual(newestFirst(made.filter((b) => b.clusterId === "west")));
    expect(await ids({ phase: BackupPhase.IN_PROGRESS })).toEqual(newestFirst([0, 2, 4, 6].map((i) => made[i]!)));
    expect(await ids({ clusterId: "east", phase: BackupPhase.FAILED })).toEqual([made[10]!.id]);
    expect(await ids({ phase: BackupPhase.COMPLETED })).toEqual([made[8]!.id]);
    expect(await ids({ createdAfter: new Date(T0 + 9 * MINUTE) })).toEqual(newestFirst(made.slice(9)));
    expect(await ids({ labelSelector: "tier=web,n in (1, 3, 11)" })).toEqual([made[11]!.id, made[3]!.id, made[1]!.id]);
    expect(await ids({ clusterId: "east", policyId: "pol-a", createdAfter: new Date(T0 + MINUTE) })).toEqual(newestFirst([made[6]!]));
  });

  it("lists everything matching for retention, and refuses bad input", async () => {
    expect((await hub.catalog.listAll({ clusterId: "east" })).map((b) => b.id)).toEqual(newestFirst(made.filter((b) => b.clusterId === "east")));
    await expect(hub.catalog.list({}, { size: 1001 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "page_size" });
    await expect(hub.catalog.list({}, { size: 5, token: "garbage" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "page_token" });
    await expect(hub.catalog.list({ labelSelector: "tier in (web" }, { size: 5 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "label_selector" });
    await expect(hub.catalog.list({ clusterId: "east:x" }, { size: 5 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "cluster" });
    await expect(hub.catalog.get("0".repeat(32))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(hub.catalog.get("nope")).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "id" });
  });
});
