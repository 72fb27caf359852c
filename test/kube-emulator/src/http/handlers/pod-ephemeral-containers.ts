import type { JsonObject, KubeObject, ResourceInfo } from "../../api-types.js";
import type { ObjectService } from "../../api/object-service.js";
import { isJsonObject } from "../../api/object-meta.js";
import { conflict, invalid, notFound } from "../status-error.js";

export type EphemeralContainersWrite = { body: unknown } | { patchType: string; patch: unknown };

/**
 * PUT/PATCH .../pods/{name}/ephemeralcontainers (1.23+): only spec.ephemeralContainers of
 * the written pod is taken (EphemeralContainersStrategy), and ephemeral containers once
 * added may be neither changed nor removed.
 */
export function updateEphemeralContainers(service: ObjectService, info: ResourceInfo, ns: string | undefined, name: string, write: EphemeralContainersWrite, dryRun: boolean): KubeObject {
  const current = service.store.get(info.storageKey, ns ?? "", name);
  if (!current) throw notFound("", "pods", name);
  let written: KubeObject;
  if ("body" in write) {
    written = (isJsonObject(write.body) ? write.body : {}) as KubeObject;
    const rv = isJsonObject(written.metadata) ? written.metadata.resourceVersion : undefined;
    if (rv && rv !== current.metadata.resourceVersion) {
      throw conflict("", "pods", name, "the object has been modified; please apply your changes to the latest version and try again");
    }
  } else {
    written = service.patch(info, ns, name, write.patchType, write.patch, { dryRun: true });
  }
  const before = ephemeralContainers(current);
  const after = ephemeralContainers(written);
  const causes = before.flatMap((old) => {
    const now = after.find((c) => c.name === old.name);
    if (!now) return [{ reason: "FieldValueForbidden", message: `Forbidden: existing ephemeral containers "${String(old.name)}" may not be removed\n`, field: "spec.ephemeralContainers" }];
    if (JSON.stringify(now) !== JSON.stringify(old)) {
      return [{ reason: "FieldValueForbidden", message: `Forbidden: existing ephemeral containers "${String(old.name)}" may not be changed\n`, field: "spec.ephemeralContainers" }];
    }
    return [];
  });
  if (causes.length > 0) throw invalid("", "Pod", name, causes);
  const next: KubeObject = { ...current, spec: { ...(current.spec as JsonObject), ephemeralContainers: after } };
  if (after.length === 0) delete (next.spec as JsonObject).ephemeralContainers;
  if (dryRun || JSON.stringify(before) === JSON.stringify(after)) return service.versioning.fromStorage(next, info);
  return service.versioning.fromStorage(service.store.update(info.storageKey, next), info);
}

function ephemeralContainers(pod: KubeObject): JsonObject[] {
  const list = (isJsonObject(pod.spec) ? pod.spec : {}).ephemeralContainers;
  return Array.isArray(list) ? list.filter(isJsonObject) : [];
}
