import { describe, expect, it } from "vitest";
import { rankByPreferredGroup } from "./preferred-group.js";
import { resource } from "./testing/resources.js";

// As a 1.16 API server lists them: core first, then /apis by group priority (extensions high).
const discovered = [
  resource("", "events", "Event"),
  resource("extensions", "ingresses", "Ingress", { versions: ["v1beta1"], preferredVersion: "v1beta1" }),
  resource("extensions", "networkpolicies", "NetworkPolicy", { versions: ["v1beta1"], preferredVersion: "v1beta1" }),
  resource("events.k8s.io", "events", "Event", { versions: ["v1beta1"], preferredVersion: "v1beta1" }),
  resource("networking.k8s.io", "ingresses", "Ingress", { versions: ["v1beta1"], preferredVersion: "v1beta1" }),
  resource("networking.k8s.io", "networkpolicies", "NetworkPolicy"),
];

describe("ranking the groups that serve one object", () => {
  const rank = rankByPreferredGroup(discovered);
  const prefers = (a: { group: string; resource: string }, b: { group: string; resource: string }) => rank(a) < rank(b);

  it("prefers the core group, as discovery lists it first", () => {
    expect(prefers({ group: "", resource: "events" }, { group: "events.k8s.io", resource: "events" })).toBe(true);
  });

  it("ranks the legacy extensions group after the groups its kinds moved to, though discovery lists it earlier", () => {
    expect(prefers({ group: "networking.k8s.io", resource: "ingresses" }, { group: "extensions", resource: "ingresses" })).toBe(true);
    expect(prefers({ group: "networking.k8s.io", resource: "networkpolicies" }, { group: "extensions", resource: "networkpolicies" })).toBe(true);
  });

  it("keeps discovery's group order otherwise, and ranks what discovery did not name last", () => {
    expect(prefers({ group: "events.k8s.io", resource: "events" }, { group: "networking.k8s.io", resource: "ingresses" })).toBe(true);
    expect(rank({ group: "gone.example.com", resource: "widgets" })).toBeGreaterThan(rank({ group: "extensions", resource: "ingresses" }));
  });
});
