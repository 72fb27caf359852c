import { createHash } from "node:crypto";

// The three IPv4 documentation networks (RFC 5737): 203.0.113.0/24 first, then
// 198.51.100.0/24 and 192.0.2.0/24; .1 to .254 of each.
const networks = ["203.0.113", "198.51.100", "192.0.2"];
const hostsPerNetwork = 254;
const size = networks.length * hostsPerNetwork;

function addressAt(i: number): string {
  return `${networks[Math.floor(i / hostsPerNetwork)]}.${(i % hostsPerNetwork) + 1}`;
}

/**
 * The fake cloud's load balancer addresses. A load balancer id keeps its address for the
 * emulator's lifetime, so a Service recreated with the same id (a restore) gets it back;
 * a new id starts from a slot its hash picks, so the same id lands on the same address in
 * another emulator too, unless that address is taken there.
 */
export class LoadBalancerIps {
  private readonly byId = new Map<string, string>();
  private readonly idByIp = new Map<string, string>();
  private readonly live = new Set<string>();

  /** The address of a load balancer in use; allocated on first sight of the id. */
  acquire(id: string): string {
    this.live.add(id);
    const known = this.byId.get(id);
    if (known) return known;
    const start = createHash("sha256").update(id).digest().readUInt32BE(0) % size;
    // A never-used address first; failing that, one kept for a load balancer that is gone.
    const ip = this.scan(start, (ip) => !this.idByIp.has(ip)) ?? this.scan(start, (ip) => !this.live.has(this.idByIp.get(ip)!));
    if (!ip) throw new Error("the fake cloud has no load balancer address left");
    const previous = this.idByIp.get(ip);
    if (previous) this.byId.delete(previous);
    this.byId.set(id, ip);
    this.idByIp.set(ip, id);
    return ip;
  }

  /** The load balancer was deleted; its address stays reserved for the id until it is needed. */
  release(id: string): void {
    this.live.delete(id);
  }

  /** Records an address a Service already shows (one the store had before the controller started). */
  remember(id: string, ip: string): void {
    if (this.byId.has(id) || this.idByIp.has(ip)) return;
    this.byId.set(id, ip);
    this.idByIp.set(ip, id);
  }

  private scan(start: number, usable: (ip: string) => boolean): string | undefined {
    for (let i = 0; i < size; i++) {
      const ip = addressAt((start + i) % size);
      if (usable(ip)) return ip;
    }
    return undefined;
  }
}
