import type { ResourceDef } from "./types.js";

/**
 * networking.k8s.io, discovery.k8s.io, events.k8s.io, node.k8s.io, scheduling.k8s.io
 * and coordination.k8s.io. Removal points per the deprecation guide: 1.22 dropped the
 * v1beta1 Ingress/IngressClass, PriorityClass and Lease versions; 1.25 dropped
 * discovery.k8s.io/v1beta1, events.k8s.io/v1beta1 and node.k8s.io/v1beta1.
 *
 * EndpointSlice was alpha (discovery.k8s.io/v1alpha1, off by default) in 1.16 and
 * became beta in 1.17, so the 1.16 persona serves no discovery.k8s.io group.
 */

function def(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  window: { since: number; removedIn?: number },
  extra: Partial<ResourceDef> = {},
): ResourceDef {
  return { group, version, resource, kind, namespaced, ...window, ...extra };
}

const NET = "networking.k8s.io";
const ingress = { shortNames: ["ing"], subresources: ["status" as const], storageKey: `${NET}/ingresses` };

export const networkingResources: ResourceDef[] = [
  def(NET, "v1", "networkpolicies", "NetworkPolicy", true, { since: 7 }, { shortNames: ["netpol"] }),
  def(NET, "v1beta1", "ingresses", "Ingress", true, { since: 14, removedIn: 22 }, ingress),
  def(NET, "v1", "ingresses", "Ingress", true, { since: 19 }, ingress),
  def(NET, "v1beta1", "ingressclasses", "IngressClass", false, { since: 18, removedIn: 22 }),
  def(NET, "v1", "ingressclasses", "IngressClass", false, { since: 19 }),

  def("discovery.k8s.io", "v1beta1", "endpointslices", "EndpointSlice", true, { since: 17, removedIn: 25 }),
  def("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, { since: 21 }),

  // events.k8s.io Events are the core Events seen through another schema.
  def("events.k8s.io", "v1beta1", "events", "Event", true, { since: 8, removedIn: 25 }, { shortNames: ["ev"], storageKey: "/events" }),
  def("events.k8s.io", "v1", "events", "Event", true, { since: 19 }, { shortNames: ["ev"], storageKey: "/events" }),

  def("node.k8s.io", "v1beta1", "runtimeclasses", "RuntimeClass", false, { since: 14, removedIn: 25 }),
  def("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false, { since: 20 }),

  def("scheduling.k8s.io", "v1beta1", "priorityclasses", "PriorityClass", false, { since: 11, removedIn: 22 }, { shortNames: ["pc"] }),
  def("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, { since: 14 }, { shortNames: ["pc"] }),

  def("coordination.k8s.io", "v1beta1", "leases", "Lease", true, { since: 12, removedIn: 22 }),
  def("coordination.k8s.io", "v1", "leases", "Lease", true, { since: 14 }),
];
