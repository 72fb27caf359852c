import type { JsonObject, KubeObject } from "../api-types.js";
import type { ConversionFamily, Spoke } from "./types.js";

/**
 * Event core/v1 <-> events.k8s.io/v1beta1 and v1 (pkg/apis/events/v1beta1/conversion.go,
 * pkg/apis/events/v1/conversion.go; the internal type is core's Event):
 *   involvedObject      <-> regarding
 *   message             <-> note
 *   source              <-> deprecatedSource
 *   firstTimestamp      <-> deprecatedFirstTimestamp
 *   lastTimestamp       <-> deprecatedLastTimestamp
 *   count               <-> deprecatedCount
 *   reportingComponent  <-> reportingController   (internal ReportingController)
 * eventTime, series, action, reason, related, type and reportingInstance keep their names.
 * events.k8s.io/v1beta1 and v1 share one JSON schema; v1 only validates more strictly.
 *
 * Not emulated: the nulls Go serializes for zero timestamps and empty structs
 * ("eventTime": null, "source": {}); absent fields stay absent.
 */

/** [core name, events.k8s.io name], in core v1's field order. */
const fields: Array<[string, string]> = [
  ["involvedObject", "regarding"],
  ["reason", "reason"],
  ["message", "note"],
  ["source", "deprecatedSource"],
  ["firstTimestamp", "deprecatedFirstTimestamp"],
  ["lastTimestamp", "deprecatedLastTimestamp"],
  ["count", "deprecatedCount"],
  ["type", "type"],
  ["eventTime", "eventTime"],
  ["series", "series"],
  ["action", "action"],
  ["related", "related"],
  ["reportingComponent", "reportingController"],
  ["reportingInstance", "reportingInstance"],
];

/** events.k8s.io field order (k8s.io/api/events/v1 types.go). */
const eventsOrder = [
  "eventTime",
  "series",
  "reportingController",
  "reportingInstance",
  "action",
  "reason",
  "regarding",
  "related",
  "note",
  "type",
  "deprecatedSource",
  "deprecatedFirstTimestamp",
  "deprecatedLastTimestamp",
  "deprecatedCount",
];

function remap(obj: KubeObject, pairs: Array<[string, string]>, order: string[]): KubeObject {
  const { apiVersion, kind, metadata, ...rest } = obj;
  const mapped: JsonObject = {};
  const known = new Set(pairs.map(([from]) => from));
  for (const [from, to] of pairs) {
    const v = rest[from];
    if (v !== undefined) mapped[to] = v;
  }
  const out: KubeObject = { apiVersion, kind, metadata };
  for (const key of order) if (mapped[key] !== undefined) out[key] = mapped[key];
  // Fields neither version knows (or a newer release added) pass through untouched.
  for (const [k, v] of Object.entries(rest)) if (!known.has(k) && out[k] === undefined) out[k] = v;
  return out;
}

const eventsApi: Spoke = {
  toHub: (obj) =>
    remap(
      obj,
      fields.map(([core, events]) => [events, core]),
      fields.map(([core]) => core),
    ),
  fromHub: (obj) => remap(obj, fields, eventsOrder),
};

export const eventFamilies: ConversionFamily[] = [
  {
    storageKey: "/events",
    kind: "Event",
    hub: { group: "", version: "v1" },
    spokes: { "events.k8s.io/v1beta1": eventsApi, "events.k8s.io/v1": eventsApi },
  },
];
