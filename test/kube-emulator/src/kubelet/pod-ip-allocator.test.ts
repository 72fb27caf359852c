import { describe, expect, it } from "vitest";
import { PodIpAllocator } from "./pod-ip-allocator.js";

describe("PodIpAllocator", () => {
  it("hands out the node's podCIDR from .2, skipping the network and gateway addresses", () => {
    const ips = new PodIpAllocator("10.244.1.0/24");
    expect(ips.allocate("a")).toBe("10.244.1.2");
    expect(ips.allocate("b")).toBe("10.244.1.3");
  });

  it("gives a pod the same address when asked again", () => {
    const ips = new PodIpAllocator("10.244.0.0/24");
    expect(ips.allocate("a")).toBe(ips.allocate("a"));
  });

  it("never gives one address to two pods, and reuses a released one only after a round", () => {
    const ips = new PodIpAllocator("10.244.2.0/29"); // 8 addresses: .2 … .6 usable
    const got = ["a", "b", "c", "d", "e"].map((p) => ips.allocate(p));
    expect(got).toEqual(["10.244.2.2", "10.244.2.3", "10.244.2.4", "10.244.2.5", "10.244.2.6"]);
    ips.release("b");
    // Round robin: the freed .3 comes back once the cursor has wrapped to it.
    expect(ips.allocate("f")).toBe("10.244.2.3");
    ips.release("a");
    ips.release("d");
    expect(ips.allocate("g")).toBe("10.244.2.5");
    expect(ips.allocate("h")).toBe("10.244.2.2");
  });

  it("continues in an overflow block 2^16 further on when the podCIDR is full", () => {
    const ips = new PodIpAllocator("10.244.3.0/24");
    const all = new Set<string>();
    for (let i = 0; i < 600; i++) all.add(ips.allocate(`p${i}`));
    expect(all.size).toBe(600);
    expect([...all].filter((ip) => ip.startsWith("10.244.3."))).toHaveLength(253);
    expect(ips.allocate("p253")).toBe("10.245.3.2");
    expect([...all].every((ip) => !ip.endsWith(".0") && !ip.endsWith(".1") && !ip.endsWith(".255"))).toBe(true);
    ips.release("p300");
    expect(ips.allocate("late")).toBe(ips.allocate("late"));
    expect(all.has(ips.allocate("late"))).toBe(true);
  });

  it("refuses a podCIDR it cannot allocate from", () => {
    expect(() => new PodIpAllocator("fd00::/64")).toThrow(/not an IPv4 CIDR/);
  });
});
