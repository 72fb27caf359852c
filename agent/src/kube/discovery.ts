import { ApisApi, CoreApi, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1APIResourceList } from "@kubernetes/client-node";
import { toKubeError } from "./kube-error.js";
import { withSignal } from "./request-options.js";

/** One resource (group + plural name) the API server serves, with every version it is served in. */
export interface DiscoveredResource {
  /** API group; "" for the core group. */
  group: string;
  /** Plural name, e.g. "deployments". */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Versions serving this resource, in the group's priority order per discovery. */
  versions: string[];
  /**
   * The version to use for this resource: the group's preferred version when it serves the
   * resource, else the first of `versions` (as client-go's ServerPreferredResources and `kubectl
   * api-resources` choose, e.g. networking.k8s.io/v1beta1 for ingresses on 1.16).
   */
  preferredVersion: string;
  /** The verbs, short names and categories of the resource in `preferredVersion`. */
  verbs: string[];
  /** Subresources served in any version, e.g. ["status", "scale"]. */
  subresources: string[];
  shortNames: string[];
  categories: string[];
}

/** A group version whose resource list could not be read (an aggregated API that is down). */
export interface FailedGroupVersion {
  groupVersion: string;
  error: unknown;
}

export interface Discovery {
  resources: DiscoveredResource[];
  /** Group versions left out because reading them failed; the core group never is (it throws). */
  failed: FailedGroupVersion[];
}

interface GroupVersions {
  group: string;
  /** Served versions in the server's priority order. */
  versions: string[];
  preferredVersion: string;
}

// Discovery of a large cluster is a few dozen GETs; a handful at a time keeps it quick without
// crowding the API server's priority-and-fairness seats.
const CONCURRENT_REQUESTS = 6;

/**
 * Every resource the API server serves, from /api and /apis and each group version's resource
 * list (plain discovery, which every Kubernetes version serves). Subresources ("pods/log") are
 * folded into their resource. A group version that fails to answer (typically an aggregated API
 * whose backend is down) is left out and named in `failed`, as kubectl does; a failing /api,
 * /apis or core v1 throws, since without them the cluster cannot be read at all.
 */
export async function discoverApiResources(kc: KubeConfig, signal?: AbortSignal): Promise<Discovery> {
  const groups = await listGroups(kc, signal);
  const groupVersions = groups.flatMap((group) => group.versions.map((version) => ({ group, version })));
  const lists = await mapConcurrently(groupVersions, CONCURRENT_REQUESTS, async ({ group, version }) => {
    try {
      return { list: await readResourceList(kc, group.group, version, signal) };
    } catch (error) {
      if (group.group === "" || signal?.aborted) throw error;
      return { error };
    }
  });
  const failed: FailedGroupVersion[] = [];
  const resources: DiscoveredResource[] = [];
  let index = 0;
  for (const group of groups) {
    const listsByVersion = new Map<string, V1APIResourceList>();
    for (const version of group.versions) {
      const outcome = lists[index++]!;
      if (outcome.list) listsByVersion.set(version, outcome.list);
      else failed.push({ groupVersion: groupVersionOf(group.group, version), error: outcome.error });
    }
    resources.push(...mergeGroupResources(group, listsByVersion));
  }
  return { resources, failed };
}

async function listGroups(kc: KubeConfig, signal: AbortSignal | undefined): Promise<GroupVersions[]> {
  let core;
  let named;
  try {
    core = await kc.makeApiClient(CoreApi).getAPIVersions({}, withSignal(signal));
  } catch (err) {
    throw toKubeError(err, "reading API discovery /api", signal);
  }
  try {
    named = await kc.makeApiClient(ApisApi).getAPIVersions({}, withSignal(signal));
  } catch (err) {
    throw toKubeError(err, "reading API discovery /apis", signal);
  }
  // /api lists only the core group's versions, newest first; there has only ever been v1.
  const groups: GroupVersions[] = [{ group: "", versions: core.versions, preferredVersion: core.versions[0] ?? "v1" }];
  for (const group of named.groups) {
    const versions = group.versions.map((v) => v.version);
    groups.push({ group: group.name, versions, preferredVersion: group.preferredVersion?.version ?? versions[0] ?? "" });
  }
  return groups;
}

async function readResourceList(
  kc: KubeConfig,
  group: string,
  version: string,
  signal: AbortSignal | undefined,
): Promise<V1APIResourceList> {
  try {
    if (group === "") return await kc.makeApiClient(CoreV1Api).getAPIResources({}, withSignal(signal));
    return await kc.makeApiClient(CustomObjectsApi).getAPIResources({ group, version }, withSignal(signal));
  } catch (err) {
    throw toKubeError(err, `reading API discovery for ${groupVersionOf(group, version)}`, signal);
  }
}

/** One DiscoveredResource per resource name of the group, across the versions that answered. */
function mergeGroupResources(group: GroupVersions, listsByVersion: Map<string, V1APIResourceList>): DiscoveredResource[] {
  const byName = new Map<string, { versions: string[]; subresources: string[] }>();
  for (const version of group.versions) {
    for (const entry of listsByVersion.get(version)?.resources ?? []) {
      const [name, subresource] = splitName(entry.name);
      let seen = byName.get(name);
      if (!seen) byName.set(name, (seen = { versions: [], subresources: [] }));
      if (subresource !== undefined) {
        if (!seen.subresources.includes(subresource)) seen.subresources.push(subresource);
      } else if (!seen.versions.includes(version)) {
        seen.versions.push(version);
      }
    }
  }
  const resources: DiscoveredResource[] = [];
  for (const [name, seen] of byName) {
    // A subresource listed without its resource (never seen on a real server) names nothing to read.
    if (seen.versions.length === 0) continue;
    const preferredVersion = seen.versions.includes(group.preferredVersion) ? group.preferredVersion : seen.versions[0]!;
    const entry = listsByVersion.get(preferredVersion)!.resources.find((r) => r.name === name)!;
    resources.push({
      group: group.group,
      resource: name,
      kind: entry.kind,
      namespaced: entry.namespaced,
      versions: seen.versions,
      preferredVersion,
      verbs: [...(entry.verbs ?? [])],
      subresources: seen.subresources,
      shortNames: [...(entry.shortNames ?? [])],
      categories: [...(entry.categories ?? [])],
    });
  }
  return resources;
}

function splitName(name: string): [string, string | undefined] {
  const slash = name.indexOf("/");
  return slash < 0 ? [name, undefined] : [name.slice(0, slash), name.slice(slash + 1)];
}

function groupVersionOf(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

/** `work` over `items`, at most `limit` at a time; results in the items' order. Fails on the first failure. */
async function mapConcurrently<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
