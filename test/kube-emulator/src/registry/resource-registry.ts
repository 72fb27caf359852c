import type { GroupVersion, ResourceInfo } from "../api-types.js";
import type { Persona } from "../personas/index.js";
import { compareKubeVersions } from "./version-priority.js";

export interface ServedGroup {
  group: string;
  /** Served versions, preferred first. */
  versions: string[];
  preferredVersion: string;
}

interface GroupEntry extends ServedGroup {
  resources: ResourceInfo[];
}

/**
 * Everything the server serves: the persona's built-in groups plus the groups that
 * CustomResourceDefinitions register at runtime. Discovery, routing and OpenAPI all
 * read from here; `revision` changes whenever the served set does, so caches can key on it.
 */
export class ResourceRegistry {
  private readonly builtin: GroupEntry[];
  /** "group/version/resource" of every built-in resource: asked on every request. */
  private readonly builtinPaths: Set<string>;
  /** CRD name -> the resources it serves. */
  private readonly custom = new Map<string, ResourceInfo[]>();
  private byPath = new Map<string, ResourceInfo>();
  private groups: GroupEntry[] = [];
  private storageVersions = new Map<string, { group: string; version: string; kind: string }>();
  revision = 0;

  constructor(persona: Persona) {
    this.builtin = persona.groups.map((g) => ({
      group: g.group,
      versions: [...g.versions],
      preferredVersion: g.preferredVersion,
      resources: [...g.resources],
    }));
    this.builtinPaths = new Set(this.builtin.flatMap((g) => g.resources.map((r) => `${r.group}/${r.version}/${r.resource}`)));
    this.rebuild();
  }

  /** Registers (or replaces) the resources of one CRD. */
  setCustomResources(crdName: string, resources: ResourceInfo[]): void {
    this.custom.set(crdName, resources);
    this.rebuild();
  }

  removeCustomResources(crdName: string): void {
    if (this.custom.delete(crdName)) this.rebuild();
  }

  /** Whether a resource is the persona's own rather than a CRD's. */
  isBuiltin(info: ResourceInfo): boolean {
    return this.builtinPaths.has(`${info.group}/${info.version}/${info.resource}`);
  }

  lookup(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  /** Core group first (as /api), then named groups in registration order (as /apis). */
  servedGroups(): ServedGroup[] {
    return this.groups;
  }

  servedGroup(group: string): ServedGroup | undefined {
    return this.groups.find((g) => g.group === group);
  }

  resourcesOf(gv: GroupVersion): ResourceInfo[] {
    return this.groups.find((g) => g.group === gv.group)?.resources.filter((r) => r.version === gv.version) ?? [];
  }

  allResources(): ResourceInfo[] {
    return this.groups.flatMap((g) => g.resources);
  }


  /** Group, version and kind objects of one storage key are kept in. */
  storageVersionOf(storageKey: string): { group: string; version: string; kind: string } | undefined {
    return this.storageVersions.get(storageKey);
  }


  private rebuild(): void {
    const groups = this.builtin.map((g) => ({ ...g, versions: [...g.versions], resources: [...g.resources] }));
    for (const resources of this.custom.values()) {
      for (const r of resources) {
        let entry = groups.find((g) => g.group === r.group);
        if (!entry) {
          entry = { group: r.group, versions: [], preferredVersion: r.version, resources: [] };
          groups.push(entry);
        }
        entry.resources.push(r);
        if (!entry.versions.includes(r.version)) entry.versions.push(r.version);
      }
    }
    for (const g of groups) {
      if (!this.builtin.some((b) => b.group === g.group)) {
        g.versions.sort(compareKubeVersions);
        g.preferredVersion = g.versions[0] ?? g.preferredVersion;
      }
    }
    this.groups = groups.filter((g) => g.versions.length > 0);
    this.byPath = new Map();
    this.storageVersions = new Map();
    for (const g of this.groups) {
      for (const r of g.resources) {
        this.byPath.set(`${r.group}/${r.version}/${r.resource}`, r);
        const storageGroup = r.storageKey.slice(0, r.storageKey.lastIndexOf("/"));
        if (r.group === storageGroup && r.version === r.storageVersion) {
          this.storageVersions.set(r.storageKey, { group: storageGroup, version: r.storageVersion, kind: r.kind });
        }
      }
    }
    // A storage version the persona does not serve (Ingress kept as networking.k8s.io/v1
    // on 1.16) still needs its kind: take it from any resource sharing the key.
    for (const r of this.allResources()) {
      if (!this.storageVersions.has(r.storageKey)) {
        const storageGroup = r.storageKey.slice(0, r.storageKey.lastIndexOf("/"));
        this.storageVersions.set(r.storageKey, { group: storageGroup, version: r.storageVersion, kind: r.kind });
      }
    }
    this.revision++;
  }
}
