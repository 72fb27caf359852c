import type { JsonObject, KubeObject } from "../api-types.js";
import { invalid } from "../http/status-error.js";
import type { ObjectStore } from "../store/index.js";

// kubeadm's default service CIDR; 10.96.0.1 is the `kubernetes` Service's.
const base = (10 << 24) | (96 << 16);
const size = 1 << 20;

function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function toNumber(ip: string): number | undefined {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function usedIps(store: ObjectStore): Set<string> {
  const used = new Set<string>();
  for (const svc of store.list("/services").items) {
    const ip = (svc.spec as JsonObject | undefined)?.clusterIP;
    if (typeof ip === "string") used.add(ip);
  }
  return used;
}

/**
 * Gives a new Service its clusterIP from 10.96.0.0/12 as the real allocator does, or checks
 * the one it asked for; headless ("None") and ExternalName Services get none.
 */
export function allocateClusterIp(store: ObjectStore, svc: KubeObject, minor: number): KubeObject {
  const spec = { ...((svc.spec as JsonObject | undefined) ?? {}) };
  if (spec.type === "ExternalName" || spec.clusterIP === "None") return svc;
  const used = usedIps(store);
  const requested = typeof spec.clusterIP === "string" && spec.clusterIP !== "" ? spec.clusterIP : undefined;
  if (requested) {
    const n = toNumber(requested);
    const name = svc.metadata.name ?? "";
    if (n === undefined || n < base || n >= base + size) {
      throw invalid("", "Service", name, [{ reason: "FieldValueInvalid", field: "spec.clusterIPs", message: `Invalid value: []string{"${requested}"}: failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is 10.96.0.0/12` }]);
    }
    if (used.has(requested)) {
      throw invalid("", "Service", name, [{ reason: "FieldValueInvalid", field: "spec.clusterIPs", message: `Invalid value: []string{"${requested}"}: failed to allocate IP ${requested}: provided IP is already allocated` }]);
    }
  } else {
    // Start past the low addresses, which upstream reserves for static allocation.
    let n = base + 10;
    while (used.has(toIp(n)) && n < base + size - 1) n++;
    spec.clusterIP = toIp(n);
  }
  if (minor >= 20) spec.clusterIPs = [spec.clusterIP as string];
  return { ...svc, spec };
}
