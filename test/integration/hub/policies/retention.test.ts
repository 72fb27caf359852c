// The retention sweeper on a real redis-server: a BullMQ job scheduler runs it on every hub
// replica's behalf, and each run deletes, per policy and per cluster, what no rule keeps.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackupPhase, BackupSchema, BackupSpecSchema, PolicySchema, RetentionSchema, type Backup, type Policy } from "@lifeboat/proto";
import { RetentionSweeper, type RetentionOutcome } from "../../../../hub/src/retention/index.js";
import { FakeCatalog } from "./support/fake-catalog.js";
import { recordRepository, registerCluster, startPolicyHub, testPrefix, useRedisServer, waitFor, type PolicyHub } from "./support/policy-hub.js";

const HOUR = 3_600_000;

describe("RetentionSweeper on a real redis-server", () => {
  const server = useRedisServer();

  let prefix: string;
  let catalog: FakeCatalog;
  let hub: PolicyHub;
  const sweepers: RetentionSweeper[] = [];
  beforeEach(async () => {
    prefix = testPrefix();
    catalog = new FakeCatalog();
    await recordRepository(server.connection, prefix);
    await registerCluster(server.connection, prefix, "prod-eu", { env: "prod" });
    hub = await startPolicyHub(server.url, prefix, catalog);
  });
  afterEach(async () => {
    await Promise.all(sweepers.splice(0).map((s) => s.close()));
    await hub?.close();
  });

  async function policy(name: string, retention: MessageInitShape<typeof RetentionSchema>): Promise<Policy> {
    return hub.policies.create(
      create(PolicySchema, { name, clusterSelector: "env=prod", backup: create(BackupSpecSchema, { repository: "main" }), retention: create(RetentionSchema, retention) }),
    );
  }

  function backups(policyId: string, clusterId: string, count: number, phase = BackupPhase.COMPLETED): Backup[] {
    return Array.from({ length: count }, (_, i) =>
      catalog.add(create(BackupSchema, { id: `${policyId}-${clusterId}-${phase}-${i}`, policyId, clusterId, phase, createTime: timestampFromMs(Date.now() - (i + 1) * HOUR) })),
    );
  }

  it("deletes, per cluster, the backups a policy's retention no longer keeps, on its schedule", async () => {
    const kept = await policy("nightly", { keepLast: 2 });
    const unlimited = await policy("forever", {});
    const a = backups(kept.id, "c-a", 5);
    const b = backups(kept.id, "c-b", 3);
    const running = backups(kept.id, "c-a", 1, BackupPhase.IN_PROGRESS);
    const failed = backups(kept.id, "c-b", 2, BackupPhase.FAILED);
    const other = backups(unlimited.id, "c-a", 4);
    const onDemand = backups("", "c-a", 3);

    const outcomes: RetentionOutcome[] = [];
    const sweeper = new RetentionSweeper({ policies: hub.store, catalog, connection: hub.redis.bullmq, everyMs: 300, onSweep: (_p, o) => outcomes.push(o) });
    sweepers.push(sweeper);
    await sweeper.start();
    await waitFor("the sweep", () => catalog.deleted.length === 4);

    expect(new Set(catalog.deleted)).toEqual(new Set([...a.slice(2), ...b.slice(2)].map((x) => x.id)));
    const remaining = [...catalog.backups.keys()];
    for (const x of [...a.slice(0, 2), ...b.slice(0, 2), ...running, ...failed, ...other, ...onDemand]) expect(remaining).toContain(x.id);
    expect(outcomes.flatMap((o) => o.failures)).toEqual([]);

    // Later runs find nothing more to delete, until a newer backup pushes an older one out.
    const before = catalog.deleted.length;
    catalog.add(create(BackupSchema, { id: "newest", policyId: kept.id, clusterId: "c-a", phase: BackupPhase.COMPLETED, createTime: timestampFromMs(Date.now()) }));
    await waitFor("the next sweep", () => catalog.deleted.length === before + 1);
    expect(catalog.deleted.at(-1)).toBe(a[1]!.id);
  });

  it("goes on past a backup it cannot delete and reports it", async () => {
    const kept = await policy("nightly", { keepLast: 1 });
    const list = backups(kept.id, "c-a", 3);
    const failing = list[1]!.id;
    const realDelete = catalog.delete.bind(catalog);
    catalog.delete = async (id: string) => {
      if (id === failing) throw new Error("repository unavailable");
      return realDelete(id);
    };
    const outcomes: RetentionOutcome[] = [];
    const sweeper = new RetentionSweeper({ policies: hub.store, catalog, connection: hub.redis.bullmq, onSweep: (_p, o) => outcomes.push(o) });
    await sweeper.sweep();
    expect(catalog.deleted).toEqual([list[2]!.id]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.failures.map((f) => f.backupId)).toEqual([failing]);
  });
});
