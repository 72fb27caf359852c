import type { JsonObject } from "../api-types.js";
import { compareQuantities, parseQuantity } from "../controllers/storage/quantity.js";

const computeResources = ["cpu", "memory"];

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});

function nonZero(value: unknown): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const q = parseQuantity(String(value));
  return q && q.numerator !== 0n ? String(value) : undefined;
}

/**
 * The pod's QoS class (pkg/apis/core/v1/helper/qos GetPodQOS): BestEffort without any cpu or
 * memory request or limit; Guaranteed when every container limits both and requests what it
 * limits (a request left out defaults to the limit, as the API's defaulting does); else
 * Burstable.
 */
export function podQosClass(spec: JsonObject): "BestEffort" | "Burstable" | "Guaranteed" {
  const containers = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const resources = asObject(asObject(c).resources);
    const requests = asObject(resources.requests);
    const limits = asObject(resources.limits);
    for (const name of computeResources) {
      const limit = nonZero(limits[name]);
      const request = nonZero(requests[name]) ?? limit;
      if (limit !== undefined || request !== undefined) any = true;
      if (limit === undefined || request === undefined || compareQuantities(request, limit) !== 0) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
