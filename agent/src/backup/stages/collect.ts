import type { ApiReader } from "../kube/api-reader.js";
import { endsBackup } from "../kube/list-errors.js";
import type { BackupReport } from "../backup-report.js";
import { forEachConcurrently } from "../concurrency.js";
import type { ItemIndex } from "../item-index.js";
import { dependenciesOf, type DependencyRef } from "../rules/dependency-rules.js";
import { qualifiedName, type BackupResource } from "../resources.js";
import type { Selection } from "./select.js";

export interface CollectContext {
  api: ApiReader;
  report: BackupReport;
  /** Resources listed at once. */
  concurrency: number;
  signal?: AbortSignal;
  /** Told after each resource: how many of the selection's resources are done. */
  onResourceDone?(done: number, total: number): void;
}

// Listing a few namespaces one by one costs less than reading every namespace's items; past this
// many, one cluster-wide list is cheaper.
const MAX_NAMESPACES_LISTED_ONE_BY_ONE = 20;

/**
 * Lists the selected items (in each resource's preferred version, with the spec's label
 * selectors) into `index`, and returns what they refer to, for the expand stage. Only names are
 * kept: each page is dropped once read. The selected namespaces' Namespace objects join too.
 */
export async function collectSelectedItems(selection: Selection, index: ItemIndex, context: CollectContext): Promise<DependencyRef[]> {
  const dependencies = new Map<string, DependencyRef>();
  const keep = (deps: DependencyRef[]) => {
    for (const dep of deps) dependencies.set(JSON.stringify(dep), dep);
  };
  if (selection.includesNamespaceObjects) {
    for (const namespace of selection.namespaces) index.add({ group: "", resource: "namespaces", namespace: "", name: namespace });
  }
  const selectedNamespaces = new Set(selection.namespaces);
  const scopes = selection.hasNamespaceFilter && selection.namespaces.length <= MAX_NAMESPACES_LISTED_ONE_BY_ONE ? selection.namespaces : [undefined];
  let done = 0;
  await forEachConcurrently(selection.resources, context.concurrency, async (resource) => {
    try {
      for (const labelSelector of selection.labelSelectors) {
        for (const namespace of resource.namespaced ? scopes : [undefined]) {
          for await (const page of context.api.listPages(refOf(resource), { namespace, labelSelector, signal: context.signal })) {
            for (const item of page.items) {
              const name = item.metadata?.name;
              const itemNamespace = resource.namespaced ? (item.metadata?.namespace ?? "") : "";
              if (!name || (resource.namespaced && !selectedNamespaces.has(itemNamespace))) continue;
              if (index.add({ group: resource.group, resource: resource.resource, namespace: itemNamespace, name }, item.metadata?.uid)) keep(dependenciesOf(resource, item));
            }
          }
        }
      }
    } catch (err) {
      if (endsBackup(err, context.signal)) throw err;
      context.report.error(`cannot list ${qualifiedName(resource)}: ${(err as Error).message}`, { resource: qualifiedName(resource) });
    }
    context.onResourceDone?.(++done, selection.resources.length);
  });
  return [...dependencies.values()];
}

function refOf(resource: BackupResource) {
  return { group: resource.group, version: resource.preferredVersion, resource: resource.resource };
}

