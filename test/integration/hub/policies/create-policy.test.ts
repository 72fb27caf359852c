// CreatePolicy and the policy RPCs on a real redis-server: refused input changes nothing (no
// record, no schedule), names are unique, policies are found by id or name.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackupSpecSchema, PolicySchema, RetentionSchema, type Policy } from "@lifeboat/proto";
import { silentLog } from "../../../../hub/src/log.js";
import { createPolicyHandlers } from "../../../../hub/src/grpc/admin-policies.js";
import { FakeCatalog } from "./support/fake-catalog.js";
import { recordRepository, registerCluster, startPolicyHub, testPrefix, useRedisServer, type PolicyHub } from "./support/policy-hub.js";

function policyInput(change: MessageInitShape<typeof PolicySchema> = {}): Policy {
  return create(PolicySchema, {
    name: "nightly",
    clusterSelector: "env=prod",
    backup: create(BackupSpecSchema, { repository: "main" }),
    schedule: "0 2 * * *",
    timeZone: "Europe/Paris",
    retention: create(RetentionSchema, { keepDaily: 7, keepWeekly: 4 }),
    ...change,
  });
}

describe("CreatePolicy on a real redis-server", () => {
  const server = useRedisServer();

  let prefix: string;
  let hub: PolicyHub;
  let catalog: FakeCatalog;
  beforeEach(async () => {
    prefix = testPrefix();
    catalog = new FakeCatalog();
    await recordRepository(server.connection, prefix);
    await registerCluster(server.connection, prefix, "prod-eu", { env: "prod" });
    hub = await startPolicyHub(server.url, prefix, catalog);
  });
  afterEach(async () => {
    await hub?.close();
  });

  async function policyKeys(): Promise<string[]> {
    // BullMQ's own bookkeeping (meta, stalled-check) appears once a worker runs; schedules are counted apart.
    return (await server.connection.keys(`${prefix}*`)).filter((k) => k.startsWith(`${prefix}polic`) || k.startsWith(`${prefix}repository-policies`)).sort();
  }

  it.each<[string, MessageInitShape<typeof PolicySchema>, string, string]>([
    ["a malformed cron", { schedule: "0 2 * *" }, "INVALID_ARGUMENT", "policy.schedule"],
    ["a bad @every", { schedule: "@every never" }, "INVALID_ARGUMENT", "policy.schedule"],
    ["a bad time zone", { timeZone: "Moon/Tranquility" }, "INVALID_ARGUMENT", "policy.time_zone"],
    ["a bad selector", { clusterSelector: "env in (prod" }, "INVALID_ARGUMENT", "policy.cluster_selector"],
    ["an unknown cluster", { clusterNames: ["nowhere"] }, "NOT_FOUND", "policy.cluster_names"],
    ["an unknown repository", { backup: create(BackupSpecSchema, { repository: "other" }) }, "NOT_FOUND", "policy.backup.repository"],
    ["an invalid backup spec", { backup: create(BackupSpecSchema, { repository: "main", includedNamespaces: ["a"], excludedNamespaces: ["a"] }) }, "INVALID_ARGUMENT", "policy.backup.included_namespaces"],
  ])("refuses %s naming the field, storing and scheduling nothing", async (_what, change, code, field) => {
    const err = await hub.policies.create(policyInput(change)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code });
    expect((err as { field: string }).field.startsWith(field)).toBe(true);
    expect(await hub.policies.list()).toEqual([]);
    expect(await policyKeys()).toEqual([]);
    expect(await hub.scheduler.bullQueue.getJobSchedulersCount()).toBe(0);
  });

  it("records a policy once by name, found by id or name, listed in name order", async () => {
    const nightly = await hub.policies.create(policyInput());
    const weekly = await hub.policies.create(policyInput({ name: "archive-weekly", schedule: "0 3 * * 0" }));
    await expect(hub.policies.create(policyInput({ schedule: "@every 1h" }))).rejects.toMatchObject({ code: "ALREADY_EXISTS", field: "policy.name" });
    expect(await hub.policies.get(nightly.id)).toEqual(nightly);
    expect(await hub.policies.get("nightly")).toEqual(nightly);
    expect((await hub.policies.list()).map((p) => p.name)).toEqual(["archive-weekly", "nightly"]);
    expect(nightly).toMatchObject({ schedule: "0 2 * * *", timeZone: "Europe/Paris", paused: false, retention: { keepDaily: 7, keepWeekly: 4 } });
    expect(nightly.createTime).toBeDefined();
    expect(weekly.nextRunTime).toBeDefined();
    expect(await hub.scheduler.bullQueue.getJobSchedulersCount()).toBe(2);
    await expect(hub.policies.get("nope")).rejects.toMatchObject({ code: "NOT_FOUND", field: "policy" });
  });

  it("serves the policy RPCs", async () => {
    const handlers = createPolicyHandlers({ policies: hub.policies, log: silentLog });
    const context = {} as never;
    const { policy } = await handlers.createPolicy({ policy: policyInput({ schedule: "" }) } as never, context);
    expect(policy?.name).toBe("nightly");
    expect((await handlers.listPolicies({} as never, context)).policies).toHaveLength(1);
    expect((await handlers.getPolicy({ policy: "nightly" } as never, context)).policy?.id).toBe(policy?.id);
    expect((await handlers.setPolicyPaused({ policy: "nightly", paused: true } as never, context)).policy?.paused).toBe(true);
    expect((await handlers.runPolicy({ policy: policy!.id } as never, context)).backups).toHaveLength(1);
    await handlers.deletePolicy({ policy: "nightly" } as never, context);
    await expect(handlers.getPolicy({ policy: "nightly" } as never, context)).rejects.toMatchObject({ code: "NOT_FOUND", field: "policy" });
    await expect(handlers.getPolicy({ policy: "" } as never, context)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "policy" });
  });
});
