import type { ClusterStore } from "../clusters/index.js";

/** The clusters a policy can name or select, as the policy code needs them. */
export interface ClusterLookup {
  /** The id of the cluster named `name`, if one is registered. */
  idOfName(name: string): Promise<string | undefined>;
  /** Ids of every registered cluster the label selector matches (already parsed and valid). */
  idsMatching(selector: string): Promise<string[]>;
}

/** ClusterLookup on the cluster store. */
export function clusterStoreLookup(clusters: Pick<ClusterStore, "idOfName" | "idsMatching">): ClusterLookup {
  return {
    idOfName: (name) => clusters.idOfName(name),
    idsMatching: (selector) => clusters.idsMatching(selector),
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
