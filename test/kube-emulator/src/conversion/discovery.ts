import type { JsonObject } from "../api-types.js";
import type { ConversionFamily, Spoke } from "./types.js";
import { asArray, asObject } from "./util.js";

/**
 * EndpointSlice discovery.k8s.io/v1beta1 <-> v1 (pkg/apis/discovery/v1beta1/conversion.go):
 * the v1beta1 endpoints[].topology map becomes v1's endpoints[].zone (from
 * topology.kubernetes.io/zone), endpoints[].nodeName (kubernetes.io/hostname, which v1beta1
 * also has as nodeName) and endpoints[].deprecatedTopology (everything else).
 */

const ZONE = "topology.kubernetes.io/zone";
const HOSTNAME = "kubernetes.io/hostname";

function forEachEndpoint(obj: JsonObject, f: (e: JsonObject) => void): void {
  for (const e of asArray(obj.endpoints) ?? []) {
    const eo = asObject(e);
    if (eo) f(eo);
  }
}

const v1beta1: Spoke = {
  toHub(obj) {
    forEachEndpoint(obj, (e) => {
      const topology = asObject(e.topology);
      delete e.topology;
      if (!topology) return;
      const deprecated: JsonObject = { ...topology };
      const zone = topology[ZONE];
      if (typeof zone === "string") {
        e.zone = zone;
        delete deprecated[ZONE];
      }
      // Drop the hostname only when it repeats nodeName, so v1beta1's odd ability to
      // disagree survives the round trip.
      if (typeof topology[HOSTNAME] === "string" && topology[HOSTNAME] === e.nodeName) delete deprecated[HOSTNAME];
      if (Object.keys(deprecated).length > 0) e.deprecatedTopology = deprecated;
    });
    return obj;
  },
  fromHub(obj) {
    forEachEndpoint(obj, (e) => {
      const deprecated = asObject(e.deprecatedTopology);
      const zone = e.zone;
      const nodeName = e.nodeName;
      delete e.deprecatedTopology;
      delete e.zone;
      if (!deprecated && typeof zone !== "string" && typeof nodeName !== "string") return;
      const topology: JsonObject = { ...(deprecated ?? {}) };
      if (typeof zone === "string") topology[ZONE] = zone;
      if (typeof nodeName === "string" && (topology[HOSTNAME] === undefined || topology[HOSTNAME] === "")) topology[HOSTNAME] = nodeName;
      e.topology = topology;
    });
    return obj;
  },
};

export const discoveryFamilies: ConversionFamily[] = [
  {
    storageKey: "discovery.k8s.io/endpointslices",
    kind: "EndpointSlice",
    hub: { group: "discovery.k8s.io", version: "v1" },
    spokes: { "discovery.k8s.io/v1beta1": v1beta1 },
  },
];
