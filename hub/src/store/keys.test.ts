import { describe, expect, it } from "vitest";
import type { ClusterId, TaskId, TokenId } from "./ids.js";
import { luaKeyFunctions, taskKeys } from "./keys.js";

describe("taskKeys", () => {
  it("puts every name under the prefix", () => {
    const keys = taskKeys("t-1:");
    const c = "c1" as ClusterId;
    const names = [
      keys.task("a" as TaskId),
      keys.queue(c),
      keys.leases,
      keys.taskSeq,
      keys.tasks,
      keys.tasksInState("queued"),
      keys.clusterTasks(c),
      keys.clusterTasksInState(c, "failed"),
      keys.events,
      keys.queuedChannel,
      keys.cancelChannel,
      keys.bullmqPrefix,
      keys.cluster(c),
      keys.clusterInventory(c),
      keys.clusterCertificates(c),
      keys.clusterFingerprints,
      keys.clusterNames,
      keys.clusterNameOrder,
      keys.connectedClusters,
      keys.revokedCertificates,
      keys.clusterChannel,
      keys.token("k1" as TokenId),
      keys.tokenHashes,
      keys.tokens,
      keys.tokenSeq,
    ];
    for (const name of names) expect(name.startsWith("t-1:")).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it("keeps a cluster's per-state index apart from any cluster's full index", () => {
    const keys = taskKeys("p:");
    // The state comes before the cluster id, so no cluster id can spell another key.
    expect(keys.clusterTasksInState("x" as ClusterId, "queued")).toBe("p:tasks:cluster-state:queued:x");
    expect(keys.clusterTasks("x" as ClusterId)).toBe("p:tasks:cluster:x");
  });

  it("refuses an empty prefix", () => {
    expect(() => taskKeys("")).toThrow(/prefix/);
  });

  it("generates Lua key functions from the same parts", () => {
    const lua = luaKeyFunctions();
    const keys = taskKeys("P");
    // Each TypeScript name, minus the prefix, appears as a literal in the Lua functions.
    for (const part of [keys.leases, keys.events, keys.queuedChannel, keys.cancelChannel, keys.taskSeq]) {
      expect(lua).toContain(JSON.stringify(part.slice(1)));
    }
    expect(lua).toContain('"task:"');
    expect(lua).toContain('"queue:"');
    expect(lua).toContain('"tasks:cluster-state:"');
    expect(lua).toMatch(/^local KEY_PREFIX = ARGV\[1\]/);
  });
});
