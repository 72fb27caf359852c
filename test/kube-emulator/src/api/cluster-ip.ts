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

/**
 * Which service IPs are taken, kept up to date from the store's events so allocation is
 * O(1) however many Services exist.
 */
export class ClusterIpAllocator {
  private readonly used = new Set<string>();
  private cursor = base + 10;

  constructor(store: ObjectStore) {
    for (const svc of store.list("/services").items) this.track(svc, true);
    store.subscribe((e) => {
      if (e.storageKey !== "/services") return;
      if (e.previous) this.track(e.previous, false);
      if (e.type !== "DELETED") this.track(e.object, true);
    });
  }

  isUsed(ip: string): boolean {
    return this.used.has(ip);
  }

  /** The next free address, scanning on from the last one handed out, as upstream's bitmap does. */
  next(): string {
    for (let i = 0; i < size; i++) {
      const ip = toIp(this.cursor);
      this.cursor = this.cursor + 1 >= base + size - 1 ? base + 10 : this.cursor + 1;
      if (!this.used.has(ip)) return ip;
    }
    throw new Error("the service IP range 10.96.0.0/12 is full");
  }

  private track(svc: KubeObject, add: boolean): void {
    const ip = (svc.spec as JsonObject | undefined)?.clusterIP;
    if (typeof ip !== "string" || ip === "None" || ip === "") return;
    if (add) this.used.add(ip);
    else this.used.delete(ip);
  }
}

/**
 * Gives a new Service its clusterIP from 10.96.0.0/12 as the real allocator does, or checks
 * the one it asked for; headless ("None") and ExternalName Services get none.
 */
export function allocateClusterIp(ips: ClusterIpAllocator, svc: KubeObject, minor: number): KubeObject {
  const spec = { ...((svc.spec as JsonObject | undefined) ?? {}) };
  if (spec.type === "ExternalName" || spec.clusterIP === "None") return svc;
  const requested = typeof spec.clusterIP === "string" && spec.clusterIP !== "" ? spec.clusterIP : undefined;
  if (requested) {
    const n = toNumber(requested);
    const name = svc.metadata.name ?? "";
    if (n === undefined || n < base || n >= base + size) {
      throw invalid("", "Service", name, [{ reason: "FieldValueInvalid", field: "spec.clusterIPs", message: `Invalid value: []string{"${requested}"}: failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is 10.96.0.0/12` }]);
    }
    if (ips.isUsed(requested)) {
      throw invalid("", "Service", name, [{ reason: "FieldValueInvalid", field: "spec.clusterIPs", message: `Invalid value: []string{"${requested}"}: failed to allocate IP ${requested}: provided IP is already allocated` }]);
    }
  } else {
    spec.clusterIP = ips.next();
  }
  if (minor >= 20) spec.clusterIPs = [spec.clusterIP as string];
  return { ...svc, spec };
}
