/**
 * Pod addresses of one node, as the host-local IPAM plugin hands them out of the node's
 * podCIDR: the network address, the bridge's gateway (.1) and the broadcast address are
 * never given, the next free address after the last one given is taken (round robin), and
 * an address is free again once its pod is gone.
 *
 * A real node holds at most 110 pods, so a /24 never runs out. The emulator does not cap
 * pods per node, so a full range continues in overflow blocks of the same size, each 2^16
 * addresses further on (10.244.3.0/24 continues in 10.245.3.0/24, 10.246.3.0/24, …): still
 * unique across nodes whose podCIDRs differ, and outside the cluster CIDR.
 */
export class PodIpAllocator {
  private readonly base: number;
  /** Usable addresses per block. */
  private readonly blockSize: number;
  /** Distance between blocks: 2^16, or the range's size if larger. */
  private readonly blockStep: number;
  private readonly byPod = new Map<string, number>();
  private readonly used = new Set<number>();
  private cursor = 0;
  private primaryUsed = 0;
  private overflowNext: number;
  private readonly overflowFree: number[] = [];

  constructor(podCidr: string) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(podCidr.trim());
    const octets = m ? m.slice(1, 5).map(Number) : [];
    const prefix = m ? Number(m[5]) : NaN;
    if (!m || octets.some((o) => o > 255) || !(prefix >= 8 && prefix <= 30)) throw new Error(`podCIDR ${podCidr} is not an IPv4 CIDR the emulator can allocate from`);
    const size = 2 ** (32 - prefix);
    const address = octets.reduce((a, o) => a * 256 + o, 0);
    this.base = address - (address % size);
    this.blockSize = size - 3;
    this.blockStep = Math.max(size, 65536);
    this.overflowNext = this.blockSize;
  }

  /** The pod's address: the one it has, or a new one. */
  allocate(podUid: string): string {
    const had = this.byPod.get(podUid);
    if (had !== undefined) return this.format(had);
    const index = this.primaryUsed < this.blockSize ? this.nextPrimary() : this.nextOverflow();
    this.used.add(index);
    this.byPod.set(podUid, index);
    return this.format(index);
  }

  release(podUid: string): void {
    const index = this.byPod.get(podUid);
    if (index === undefined) return;
    this.byPod.delete(podUid);
    this.used.delete(index);
    if (index < this.blockSize) this.primaryUsed--;
    else this.overflowFree.push(index);
  }

  private nextPrimary(): number {
    for (let i = 0; i < this.blockSize; i++) {
      const index = (this.cursor + i) % this.blockSize;
      if (!this.used.has(index)) {
        this.cursor = (index + 1) % this.blockSize;
        this.primaryUsed++;
        return index;
      }
    }
    throw new Error("primary range full");
  }

  private nextOverflow(): number {
    return this.overflowFree.shift() ?? this.overflowNext++;
  }

  /** Index i is host i+2 of block i / blockSize. */
  private format(index: number): string {
    const block = Math.floor(index / this.blockSize);
    const n = this.base + block * this.blockStep + (index % this.blockSize) + 2;
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
  }
}
