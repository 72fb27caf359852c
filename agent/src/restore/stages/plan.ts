// The plan stage: for each selected item, the version it is applied in (converted when the target
// serves none the backup holds) and where it goes (namespace mapping). Items that are never
// restored, or that this target cannot take, end here with their result.
import type { BackupItem } from "@lifeboat/shared/repo";
import type { RestoreOptions } from "@lifeboat/shared/restore";
import { resourceKey, type BackupResource } from "../../backup/resources.js";
import { skipReason } from "../sanitize/index.js";
import { mapNamespace } from "../transform/index.js";
import type { ItemResult, PlannedItem } from "../types.js";
import { chooseVersion, definedResourceKey } from "../versions/index.js";

export interface Plan {
  /** The items to apply. */
  items: PlannedItem[];
}

const NAMESPACES = "/namespaces";
const CRDS = "apiextensions.k8s.io/customresourcedefinitions";
const STORAGE_CLASSES = "storage.k8s.io/storageclasses";

/** Plans `selected` for `target`; items that end here are given to `onResult` (skipped or failed, with the reason). */
export function planItems(
  selected: readonly BackupItem[],
  target: readonly BackupResource[],
  options: RestoreOptions,
  onResult: (result: ItemResult) => void,
  /** Why an item this restore has its own reasons to leave out is skipped (e.g. a volume whose data is restored instead). */
  extraSkip: (item: BackupItem) => string | undefined = () => undefined,
): Plan {
  const targetByKey = new Map(target.map((r) => [resourceKey(r), r]));
  const items: PlannedItem[] = [];
  // Custom resources whose CRD this restore brings: the target serves them once it is applied.
  const restoredDefinitions = new Set(selected.filter((i) => resourceKey(i) === CRDS).map((i) => definedResourceKey(i.name)));
  for (const source of selected) {
    const key = resourceKey(source);
    // A Namespace object takes its mapped name; everything namespaced its mapped namespace.
    const name = key === NAMESPACES ? mapNamespace(source.name, options.namespaceMapping) : source.name;
    const namespace = source.namespace === "" ? "" : mapNamespace(source.namespace, options.namespaceMapping);
    const asStored: PlannedItem = {
      source,
      from: { group: source.group, resource: source.resource, version: source.version, content: source.content },
      to: { group: source.group, version: source.version, resource: source.resource, kind: source.kind ?? "", namespaced: source.namespace !== "" },
      namespace,
      name,
    };
    const skip = skipReason(source) ?? extraSkip(source) ?? (key === STORAGE_CLASSES && options.storageClassMapping.has(source.name) ? `storage class mapped to ${options.storageClassMapping.get(source.name)} in the target` : undefined);
    if (skip) {
      onResult({ item: asStored, outcome: "skipped", message: skip });
      continue;
    }
    const choice = chooseVersion(source, targetByKey, { restoredDefinitions });
    if ("unavailable" in choice) {
      onResult({ item: asStored, outcome: "failed", message: choice.unavailable });
      continue;
    }
    items.push({ ...asStored, from: choice.from, to: choice.to, ...(choice.conversion ? { conversion: choice.conversion } : {}) });
  }
  return { items };
}
