// Conversion of one object from the version the backup holds into the one the target serves.
import { LifeboatError } from "@lifeboat/shared";
import { apiVersionOf } from "../../backup/resources.js";
import type { AppliedAs, KubeObject } from "../types.js";
import { CONVERSION_FAMILIES, conversionInto } from "./conversion-table.js";
import { convertIngressToV1 } from "./ingress-to-v1.js";
import { convertPodDisruptionBudgetToV1 } from "./pdb-to-v1.js";
import { convertWorkloadToAppsV1 } from "./workload-to-apps-v1.js";

/** Rewrites a copy of an object of its kind into the family's version; kinds not listed change only their apiVersion (CronJob, NetworkPolicy). */
const SCHEMA_CHANGES: Record<string, (object: KubeObject, fromApiVersion: string) => void> = {
  Ingress: convertIngressToV1,
  PodDisruptionBudget: convertPodDisruptionBudgetToV1,
  Deployment: convertWorkloadToAppsV1,
  DaemonSet: convertWorkloadToAppsV1,
  ReplicaSet: convertWorkloadToAppsV1,
  StatefulSet: convertWorkloadToAppsV1,
};

/**
 * `object` as `to`'s apiVersion: a new object, `object` is not changed. An object already in
 * `to`'s apiVersion comes back as a copy. Throws INVALID_ARGUMENT (field apiVersion) when Lifeboat
 * knows no conversion of the object's kind and apiVersion into `to`.
 */
export function convertObject(object: KubeObject, to: AppliedAs): KubeObject {
  const target = apiVersionOf(to);
  if (object.apiVersion === target) return structuredClone(object);
  const family = conversionInto(object.kind, object.apiVersion, to);
  if (!family) {
    const known = CONVERSION_FAMILIES.filter((f) => f.kind === object.kind && f.to.group === to.group && f.to.resource === to.resource).flatMap((f) => f.from.map((from) => `${from} -> ${apiVersionOf(f.to)}`));
    const valid = known.length > 0 ? `the known conversions of ${object.kind} are ${known.join(", ")}` : `no conversion of ${object.kind} into ${to.resource}.${to.group || "core"} is known`;
    throw new LifeboatError("INVALID_ARGUMENT", `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name ?? ""}: apiVersion "${object.apiVersion}" cannot be converted to ${target}: ${valid}`, {
      field: "apiVersion",
      value: object.apiVersion,
    });
  }
  const converted = structuredClone(object);
  SCHEMA_CHANGES[family.kind]?.(converted, object.apiVersion);
  converted.apiVersion = target;
  return converted;
}
