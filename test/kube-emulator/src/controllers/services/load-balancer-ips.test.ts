import { describe, expect, it } from "vitest";
import { LoadBalancerIps } from "./load-balancer-ips.js";

const documentationIp = /^(203\.0\.113|198\.51\.100|192\.0\.2)\.([1-9]\d?|1\d\d|2[0-4]\d|25[0-4])$/;

describe("the fake cloud's load balancer addresses", () => {
  it("gives an id the same address every time, also after its balancer was deleted", () => {
    const ips = new LoadBalancerIps();
    const ip = ips.acquire("a1");
    expect(ip).toMatch(documentationIp);
    expect(ips.acquire("a1")).toBe(ip);
    ips.release("a1");
    ips.acquire("b2");
    expect(ips.acquire("a1")).toBe(ip);
  });

  it("places an id by its hash, so another emulator gives it the same address", () => {
    expect(new LoadBalancerIps().acquire("restored-id")).toBe(new LoadBalancerIps().acquire("restored-id"));
  });

  it("never hands one address to two live balancers, and reuses released ones only when the ranges are full", () => {
    const ips = new LoadBalancerIps();
    const seen = new Set<string>();
    for (let i = 0; i < 762; i++) seen.add(ips.acquire(`lb-${i}`));
    expect(seen.size).toBe(762);
    expect(() => ips.acquire("one-too-many")).toThrow(/no load balancer address left/);
    ips.release("lb-7");
    const reused = ips.acquire("one-too-many");
    expect(seen.has(reused)).toBe(true);
    // lb-7 lost its reservation to the newcomer and gets whatever is free when it comes back.
    ips.release("lb-8");
    expect(ips.acquire("lb-7")).not.toBe(reused);
  });
});
