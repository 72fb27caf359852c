import type { ResourceDef } from "./types.js";
import { NAMESPACE_VERBS, READ_VERBS } from "./verbs.js";

/**
 * The legacy core group ("" / v1), served at /api/v1. Every resource here predates
 * the oldest persona, so `since` is simply 1. Sources: pkg/registry/core/rest/storage_core.go
 * and each resource's ShortNames()/Categories().
 */
function core(resource: string, kind: string, namespaced: boolean, extra: Partial<ResourceDef> = {}): ResourceDef {
  return { group: "", version: "v1", resource, kind, namespaced, since: 1, ...extra };
}

export const coreResources: ResourceDef[] = [
  core("componentstatuses", "ComponentStatus", false, { verbs: READ_VERBS, shortNames: ["cs"] }),
  core("configmaps", "ConfigMap", true, { shortNames: ["cm"] }),
  core("endpoints", "Endpoints", true, { shortNames: ["ep"] }),
  // Core and events.k8s.io Events are one stored object, kept in core v1.
  core("events", "Event", true, { shortNames: ["ev"], storageKey: "/events" }),
  core("limitranges", "LimitRange", true, { shortNames: ["limits"] }),
  core("namespaces", "Namespace", false, { verbs: NAMESPACE_VERBS, shortNames: ["ns"], subresources: ["status"] }),
  core("nodes", "Node", false, { shortNames: ["no"], subresources: ["status"] }),
  core("persistentvolumeclaims", "PersistentVolumeClaim", true, { shortNames: ["pvc"], subresources: ["status"] }),
  core("persistentvolumes", "PersistentVolume", false, { shortNames: ["pv"], subresources: ["status"] }),
  core("pods", "Pod", true, {
    shortNames: ["po"],
    categories: ["all"],
    subresources: ["status", "attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy"],
    // Behind the EphemeralContainers gate until it went beta, on by default, in 1.23.
    subresourcesSince: { ephemeralcontainers: 23 },
  }),
  core("podtemplates", "PodTemplate", true),
  core("replicationcontrollers", "ReplicationController", true, {
    shortNames: ["rc"],
    categories: ["all"],
    subresources: ["status", "scale"],
  }),
  core("resourcequotas", "ResourceQuota", true, { shortNames: ["quota"], subresources: ["status"] }),
  core("secrets", "Secret", true),
  core("serviceaccounts", "ServiceAccount", true, { shortNames: ["sa"] }),
  core("services", "Service", true, { shortNames: ["svc"], categories: ["all"], subresources: ["status"] }),
];
