import { formatGroupVersion, type KubeObject, type ResourceInfo } from "../api-types.js";
import { convertObject } from "../conversion/index.js";
import type { ResourceRegistry } from "../registry/index.js";

/** Moves objects between the version a client speaks and the version they are stored in. */
export class Versioning {
  constructor(
    private readonly registry: ResourceRegistry,
    private readonly minor: number,
  ) {}

  toStorage(obj: KubeObject, info: ResourceInfo): KubeObject {
    const target = this.registry.storageVersionOf(info.storageKey) ?? { group: info.group, version: info.version, kind: info.kind };
    return this.convert(obj, target);
  }

  fromStorage(obj: KubeObject, info: ResourceInfo): KubeObject {
    const out = this.convert(obj, { group: info.group, version: info.version, kind: info.kind });
    // Ingress paths gained pathType in 1.18; older servers never return it.
    const shown = info.storageKey === "networking.k8s.io/ingresses" && this.minor < 18 ? withoutPathType(out) : out;
    // Servers before 1.20 filled in metadata.selfLink (RemoveSelfLink went on by default in 1.20).
    return this.minor < 20 ? withSelfLink(shown, info) : shown;
  }

  private convert(obj: KubeObject, to: { group: string; version: string; kind: string }): KubeObject {
    // The common case (client speaks the storage version) returns the stored object
    // itself, which lets list responses reuse its cached serialization.
    if (obj.apiVersion === formatGroupVersion(to) && obj.kind === to.kind) return obj;
    return convertObject(obj, to);
  }
}

function withoutPathType(obj: KubeObject): KubeObject {
  const spec = obj.spec as { rules?: Array<{ http?: { paths?: Array<Record<string, unknown>> } }> } | undefined;
  if (!spec?.rules) return obj;
  const copy = structuredClone(obj);
  for (const rule of (copy.spec as typeof spec).rules ?? []) for (const path of rule.http?.paths ?? []) delete path.pathType;
  return copy;
}

function withSelfLink(obj: KubeObject, info: ResourceInfo): KubeObject {
  const root = info.group === "" ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  const ns = info.namespaced && obj.metadata.namespace ? `/namespaces/${obj.metadata.namespace}` : "";
  return { ...obj, metadata: { ...obj.metadata, selfLink: `${root}${ns}/${info.resource}/${obj.metadata.name ?? ""}` } };
}
