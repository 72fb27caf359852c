import { formatGroupVersion, parseApiVersion, type KubeObject } from "../api-types.js";
import { badRequest, StatusError } from "../http/status-error.js";
import { cronJobFamilies } from "./cronjob.js";
import { crdFamilies } from "./crd.js";
import { discoveryFamilies } from "./discovery.js";
import { eventFamilies } from "./events.js";
import { flowControlFamilies } from "./flowcontrol.js";
import { hpaFamilies } from "./hpa.js";
import { ingressFamilies } from "./ingress.js";
import { policyFamilies } from "./policy.js";
import type { ConversionFamily, Spoke } from "./types.js";
import { workloadFamilies } from "./workloads.js";

export interface ConversionTarget {
  group: string;
  version: string;
  kind: string;
}

/** Every kind whose versions differ in schema or span several groups, keyed by storage key. */
export const conversionTable: ReadonlyMap<string, ConversionFamily> = new Map(
  [
    ...ingressFamilies,
    ...workloadFamilies,
    ...cronJobFamilies,
    ...hpaFamilies,
    ...crdFamilies,
    ...eventFamilies,
    ...policyFamilies,
    ...discoveryFamilies,
    ...flowControlFamilies,
  ].map((f) => [f.storageKey, f]),
);

/** "<group>|<kind>" -> family, for every group a family's versions live in. */
const byGroupKind = new Map<string, ConversionFamily>();
for (const family of conversionTable.values()) {
  const groups = new Set([family.hub.group, ...Object.keys(family.spokes).map((av) => parseApiVersion(av).group)]);
  for (const group of groups) byGroupKind.set(`${group}|${family.kind}`, family);
}

function describe(apiVersion: string, kind: string): string {
  return `${apiVersion}, Kind=${kind}`;
}

function noConversion(from: string, to: string): StatusError {
  return new StatusError(500, "InternalError", `no conversion from "${from}" to "${to}"`);
}

/** The spoke for one apiVersion of a family; versions of the hub's group default to its schema. */
function spokeFor(family: ConversionFamily, apiVersion: string): Spoke | undefined {
  const spoke = family.spokes[apiVersion];
  if (spoke) return spoke;
  return parseApiVersion(apiVersion).group === family.hub.group ? { toHub: (o) => o, fromHub: (o) => o } : undefined;
}

/** apiVersion and kind first, then the rest in the converted object's order. */
function finish(obj: KubeObject, apiVersion: string, kind: string): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { apiVersion, kind, ...rest } as KubeObject;
}

/**
 * Converts an object to another version of its kind, hub-and-spoke through the version the
 * kind is stored in. Pure: the input is not modified. Kinds without a registered family
 * (custom resources, kinds whose versions share a schema) convert within their group by
 * rewriting apiVersion. Throws an InternalError StatusError naming source and target when
 * no conversion exists (another kind, or another group outside a family), and BadRequest
 * for an object without apiVersion or kind.
 */
export function convertObject(obj: KubeObject, to: ConversionTarget): KubeObject {
  if (typeof obj.apiVersion !== "string" || obj.apiVersion === "" || typeof obj.kind !== "string" || obj.kind === "") {
    throw badRequest("Object 'apiVersion' and 'Kind' are required to convert an object");
  }
  const targetApiVersion = formatGroupVersion(to);
  const source = describe(obj.apiVersion, obj.kind);
  const target = describe(targetApiVersion, to.kind);
  if (obj.kind !== to.kind) throw noConversion(source, target);

  const copy = structuredClone(obj);
  if (copy.metadata === undefined || copy.metadata === null) copy.metadata = {};
  if (obj.apiVersion === targetApiVersion) return finish(copy, targetApiVersion, to.kind);

  const from = parseApiVersion(obj.apiVersion);
  const family = byGroupKind.get(`${from.group}|${obj.kind}`);
  const targetFamily = byGroupKind.get(`${to.group}|${to.kind}`);
  if (family === undefined && targetFamily === undefined && from.group === to.group) {
    return finish(copy, targetApiVersion, to.kind);
  }
  if (family === undefined || family !== targetFamily) throw noConversion(source, target);

  const hubApiVersion = formatGroupVersion(family.hub);
  const fromSpoke = spokeFor(family, obj.apiVersion);
  const toSpoke = spokeFor(family, targetApiVersion);
  if (!fromSpoke || !toSpoke) throw noConversion(source, target);
  const hub = obj.apiVersion === hubApiVersion ? copy : finish(fromSpoke.toHub(copy), hubApiVersion, family.kind);
  return finish(targetApiVersion === hubApiVersion ? hub : toSpoke.fromHub(hub), targetApiVersion, to.kind);
}
