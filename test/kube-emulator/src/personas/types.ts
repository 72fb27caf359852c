import type { ResourceInfo, Subresource } from "../api-types.js";

/** The body of GET /version (k8s.io/apimachinery/pkg/version.Info). */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** One API group as a persona serves it. */
export interface PersonaGroup {
  /** "" for the legacy core group. */
  group: string;
  /** Served versions, preferred first, in the order discovery lists them. */
  versions: string[];
  preferredVersion: string;
  /** One entry per served (version, resource), versions in `versions` order, resources alphabetical. */
  resources: ResourceInfo[];
}

/** What a stock kube-apiserver of one minor version serves with default flags. */
export interface Persona {
  minor: number;
  version: VersionInfo;
  /** The core group ("" / v1) first, then the named groups in the order /apis lists them. */
  groups: PersonaGroup[];
  /** /apis served as an APIGroupDiscoveryList (beta and on by default from 1.27, GA in 1.30). */
  supportsAggregatedDiscovery: boolean;
  /** /openapi/v3 (beta and on by default from 1.24, GA in 1.27). */
  supportsOpenApiV3: boolean;
}

export interface PersonaOptions {
  /**
   * Also serve the group-versions a release still carries but turns off by default
   * (1.16 and 1.17: extensions/v1beta1 workloads, networkpolicies and
   * podsecuritypolicies; apps/v1beta1; apps/v1beta2), as `--runtime-config` would.
   */
  legacyApis?: boolean;
}

/**
 * One resource in one group-version over its life in upstream Kubernetes.
 * Minor versions are those of 1.x releases; the window is [since, removedIn).
 */
export interface ResourceDef {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Defaults to the eight verbs of a normal stored resource. */
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
  /** First minor that carries `categories` (the api-extensions category arrived in 1.20). */
  categoriesSince?: number;
  subresources?: Subresource[];
  /** First minor that serves a subresource, for those younger than the resource. */
  subresourcesSince?: Partial<Record<Subresource, number>>;
  /** "<storage group>/<resource>"; defaults to this definition's own group and resource. */
  storageKey?: string;
  /** First minor that serves it by default. */
  since: number;
  /** First minor that no longer serves it by default. */
  removedIn?: number;
  /**
   * First minor whose code can no longer serve it at all. Between `removedIn` and this,
   * the resource is off by default but served when `legacyApis` is asked for.
   */
  legacyUntil?: number;
}
