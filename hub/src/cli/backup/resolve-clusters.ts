// Clusters named on the command line by id or by name, as the ids the admin API takes.
import type { Cluster } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared/errors";

/**
 * The id of each cluster named in `names` (an id, else a name). NOT_FOUND names `option` and the
 * value when nothing matches; INVALID_ARGUMENT when a name is shared by several clusters (give the id).
 */
export function resolveClusterIds(option: string, names: readonly string[], clusters: readonly Cluster[]): string[] {
  const ids: string[] = [];
  for (const name of names) {
    const byId = clusters.find((c) => c.id === name);
    const byName = byId ? [byId] : clusters.filter((c) => c.name === name);
    if (byName.length === 0) {
      throw new LifeboatError("NOT_FOUND", `${option} ${JSON.stringify(name)}: no cluster has this id or name (lifeboat cluster list)`, { field: option, value: name });
    }
    if (byName.length > 1) {
      throw new LifeboatError("INVALID_ARGUMENT", `${option} ${JSON.stringify(name)}: ${byName.length} clusters have this name (${byName.map((c) => c.id).join(", ")}); give the id`, {
        field: option,
        value: name,
      });
    }
    if (!ids.includes(byName[0]!.id)) ids.push(byName[0]!.id);
  }
  return ids;
}
