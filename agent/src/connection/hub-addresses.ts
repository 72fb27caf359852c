import { LifeboatError } from "@lifeboat/shared";

// host:port, where host is a name, an IPv4 address or a bracketed IPv6 address ([::1]:7443).
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

/**
 * The hub addresses an operator gave, as a list: each entry may itself be a comma-separated list
 * (`--hub a:7443,b:7443`, LIFEBOAT_HUB). Blanks around commas are dropped, duplicates kept once, in
 * order. Throws INVALID_ARGUMENT naming `field` and the entry when one is not host:port.
 */
export function parseHubAddresses(entries: readonly string[], field: string): string[] {
  const addresses: string[] = [];
  for (const entry of entries) {
    for (const part of entry.split(",")) {
      const address = part.trim();
      if (address === "") continue;
      const match = HOST_PORT.exec(address);
      const port = match ? Number(match[2]) : 0;
      if (!match || port < 1 || port > 65535) {
        throw new LifeboatError("INVALID_ARGUMENT", `${field} must be host:port (several separated by commas), not ${JSON.stringify(address)}`, { field, value: address });
      }
      if (!addresses.includes(address)) addresses.push(address);
    }
  }
  return addresses;
}

/**
 * Which hub replica to dial next. The agent dials the replicas itself, one channel per stream,
 * rather than handing grpc-js one multi-address target: an `ipv4:a,b` target takes IP literals
 * only and a `dns:` target one name, while operators list replicas by host name
 * (hub-1.example.com:7443,hub-2.example.com:7443), and each replica's name must be the one TLS
 * checks its certificate against. So: start at a random replica, which spreads a fleet's agents
 * over the replicas, and move on to the next one after every stream or attempt that ends, so an
 * agent whose replica died (or is restarting) reaches another at the next attempt; the
 * connection's backoff and jitter still space the attempts out.
 */
export class HubAddressRotation {
  private readonly start: number;
  private turn = 0;

  /** `random` in [0, 1) picks the first address: Math.random, or a fixed value in tests. */
  constructor(random: () => number = Math.random) {
    this.start = random();
  }

  /** The address to dial now; the next call gives the following one (wrapping round). */
  next(addresses: readonly string[]): string {
    if (addresses.length === 0) throw new LifeboatError("INVALID_ARGUMENT", "no hub address to dial", { field: "hubAddresses" });
    // Scaled to the list's length at each call, so a list that changes (a new identity) still works.
    return addresses[(Math.floor(this.start * addresses.length) + this.turn++) % addresses.length]!;
  }
}
