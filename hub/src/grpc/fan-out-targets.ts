import { LifeboatError } from "@lifeboat/shared";
import type { ClusterStore } from "../clusters/index.js";
import { parseClusterId, type ClusterId } from "../store/index.js";

/** At most this many clusters in one CreateTasks: the response must fit the default message limit. */
export const MAX_FAN_OUT = 50_000;

/**
 * The clusters a CreateTasks names: its cluster_ids, each checked to exist, or the clusters its
 * label_selector matches (in name order). Exactly one of the two; duplicates, unknown ids and a
 * selector matching nothing are refused before anything is queued.
 */
export async function fanOutTargets(clusters: ClusterStore, request: { clusterIds: readonly string[]; labelSelector: string }): Promise<ClusterId[]> {
  const byIds = request.clusterIds.length > 0;
  if (byIds === (request.labelSelector !== "")) {
    throw new LifeboatError("INVALID_ARGUMENT", "give exactly one of cluster_ids and label_selector", { field: byIds ? "label_selector" : "cluster_ids" });
  }
  const ids = byIds ? namedClusters(request.clusterIds) : await selectedClusters(clusters, request.labelSelector);
  if (ids.length > MAX_FAN_OUT) {
    throw new LifeboatError("INVALID_ARGUMENT", `${ids.length} clusters are too many for one call: at most ${MAX_FAN_OUT}`, { field: byIds ? "cluster_ids" : "label_selector" });
  }
  if (byIds) {
    // Concurrent reads share the one connection; the existence check costs one round trip, not N.
    const found = await Promise.all(ids.map((id) => clusters.get(id)));
    const missing = ids.findIndex((_, i) => found[i] === undefined);
    if (missing >= 0) throw new LifeboatError("NOT_FOUND", `cluster ${ids[missing]} not found`, { field: `cluster_ids[${missing}]`, value: ids[missing] });
  }
  return ids;
}

function namedClusters(clusterIds: readonly string[]): ClusterId[] {
  const seen = new Set<string>();
  return clusterIds.map((text, i) => {
    const id = parseClusterId(text, `cluster_ids[${i}]`);
    if (seen.has(id)) throw new LifeboatError("INVALID_ARGUMENT", `cluster_ids[${i}] ${id} is given twice`, { field: `cluster_ids[${i}]`, value: id });
    seen.add(id);
    return id;
  });
}

async function selectedClusters(clusters: ClusterStore, labelSelector: string): Promise<ClusterId[]> {
  const ids = await clusters.idsMatching(labelSelector, MAX_FAN_OUT);
  if (ids.length === 0) throw new LifeboatError("NOT_FOUND", `label_selector ${JSON.stringify(labelSelector)} matches no cluster`, { field: "label_selector", value: labelSelector });
  return ids;
}
