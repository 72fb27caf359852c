import type { Redis } from "ioredis";
import type { ClusterStore } from "../clusters/index.js";

/** The clusters a policy can name or select, as the policy code needs them. */
export interface ClusterLookup {
  /** The id of the cluster named `name`, if one is registered. */
  idOfName(name: string): Promise<string | undefined>;
  /** Ids of every registered cluster the label selector matches (already parsed and valid). */
  idsMatching(selector: string): Promise<string[]>;
}

/** ClusterLookup on the cluster store; `redis` reads its name index (ClusterStore has no lookup by name). */
export function clusterStoreLookup(clusters: ClusterStore, redis: Redis): ClusterLookup {
  return {
    async idOfName(name) {
      return (await redis.hget(clusters.keys.clusterNames, name)) ?? undefined;
    },
    async idsMatching(selector) {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await clusters.list({ labelSelector: selector, limit: 1000, cursor });
        ids.push(...page.clusters.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return ids;
    },
  };
}

/** The clusters a policy backs up now: those its selector matches plus those it names, each once, known ones only. */
export async function resolvePolicyClusters(lookup: ClusterLookup, policy: { clusterSelector: string; clusterNames: readonly string[] }): Promise<string[]> {
  const ids = new Set<string>(policy.clusterSelector === "" ? [] : await lookup.idsMatching(policy.clusterSelector));
  for (const name of policy.clusterNames) {
    // A named cluster deleted since the policy was made is skipped, not fatal to the firing.
    const id = await lookup.idOfName(name);
    if (id !== undefined) ids.add(id);
  }
  return [...ids];
}
