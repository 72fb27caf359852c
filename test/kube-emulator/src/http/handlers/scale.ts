import type { JsonObject, JsonValue, KubeObject, ResourceInfo } from "../../api-types.js";
import type { ObjectService } from "../../api/object-service.js";
import { clone } from "../../api/object-meta.js";
import { applyPatch } from "../../patch/index.js";
import { formatLabelSelector, labelSelectorFromObject } from "../../selectors/index.js";
import { badRequest } from "../status-error.js";

const builtinPaths = { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".spec.selector" };

function readPath(obj: JsonObject, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = obj;
  for (const part of path.replace(/^\./, "").split(".")) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function writePath(obj: JsonObject, path: string, value: JsonValue): void {
  const parts = path.replace(/^\./, "").split(".");
  let cur: JsonObject = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (typeof next !== "object" || next === null || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as JsonObject;
  }
  cur[parts[parts.length - 1]!] = value;
}

function selectorText(value: JsonValue | undefined): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    // A ReplicationController's selector is a plain label map, not a LabelSelector.
    const isLabelSelector = "matchLabels" in value || "matchExpressions" in value || Object.keys(value).length === 0;
    const selector = isLabelSelector ? value : { matchLabels: value };
    return formatLabelSelector(labelSelectorFromObject(selector as never));
  }
  return "";
}

/** The autoscaling/v1 Scale view of a workload or scalable custom resource. */
export function toScale(info: ResourceInfo, obj: KubeObject): JsonObject {
  const paths = info.scale ?? builtinPaths;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: obj.metadata.name ?? "",
      namespace: obj.metadata.namespace ?? "",
      uid: obj.metadata.uid ?? "",
      resourceVersion: obj.metadata.resourceVersion ?? "",
      creationTimestamp: obj.metadata.creationTimestamp ?? "",
    },
    spec: { replicas: (readPath(obj, paths.specReplicasPath) as number | undefined) ?? 0 },
    status: {
      replicas: (readPath(obj, paths.statusReplicasPath) as number | undefined) ?? 0,
      selector: paths.labelSelectorPath ? selectorText(readPath(obj, paths.labelSelectorPath)) : "",
    },
  };
}

/** Writes a Scale (from PUT, or a patch applied to the current Scale) back to the object. */
export function updateScale(
  service: ObjectService,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  change: { body: unknown } | { patchType: string; patch: unknown },
  dryRun: boolean,
): JsonObject {
  const current = service.get(info, namespace, name);
  const scale =
    "body" in change
      ? (change.body as JsonObject)
      : applyPatch(change.patchType, toScale(info, current), change.patch, { group: "autoscaling", kind: "Scale", isCustomResource: false });
  // ScaleSpec.replicas is omitempty in Go: a Scale to zero arrives with no replicas field.
  const spec = scale?.spec as JsonObject | undefined;
  const replicas = spec !== undefined && typeof spec === "object" && !("replicas" in spec) ? 0 : spec?.replicas;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    throw badRequest(`Scale.spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be a non-negative integer`);
  }
  const next = clone(current);
  writePath(next, (info.scale ?? builtinPaths).specReplicasPath, replicas);
  const rv = (scale.metadata as JsonObject | undefined)?.resourceVersion;
  if (typeof rv === "string" && rv !== "") next.metadata.resourceVersion = rv;
  const updated = service.update(info, namespace, name, next, { dryRun });
  return toScale(info, updated);
}
