import type { BackupItem } from "@lifeboat/shared/repo";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { skipReason } from "./skip-reason.js";

function item(group: string, resource: string, namespace: string, name: string): BackupItem {
  return { group, version: "v1", resource, namespace, name, content: `content-${name}` as BackupItem["content"] };
}

function json(apiVersion: string, kind: string, fields: Record<string, unknown> = {}, metadata: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name: "x", ...metadata }, ...fields };
}

describe("skipReason", () => {
  it.each<[string, BackupItem, KubeObject | undefined, RegExp]>([
    ["a Node", item("", "nodes", "", "node-1"), undefined, /nodes belong to the source cluster/],
    ["a core Event", item("", "events", "shop", "web.17a"), undefined, /events are the source cluster's history/],
    ["an events.k8s.io Event", item("events.k8s.io", "events", "shop", "web.17a"), undefined, /events are the source cluster's history/],
    ["a CSINode", item("storage.k8s.io", "csinodes", "", "node-1"), undefined, /CSI nodes/],
    ["a VolumeAttachment", item("storage.k8s.io", "volumeattachments", "", "csi-123"), undefined, /volume attachments/],
    ["a ComponentStatus", item("", "componentstatuses", "", "etcd-0"), undefined, /component statuses/],
    ["a node Lease in kube-node-lease", item("coordination.k8s.io", "leases", "kube-node-lease", "node-1"), undefined, /node leases/],
    ["the kube-root-ca.crt ConfigMap", item("", "configmaps", "shop", "kube-root-ca.crt"), undefined, /root CA publisher/],
    ["the kubernetes Service's Endpoints", item("", "endpoints", "default", "kubernetes"), undefined, /API server keeps/],
    ["the kubernetes Service's EndpointSlice", item("discovery.k8s.io", "endpointslices", "default", "kubernetes"), undefined, /API server keeps/],
    ["a service-account token Secret", item("", "secrets", "shop", "web-token-abcde"), json("v1", "Secret", { type: "kubernetes.io/service-account-token" }), /minted by the target/],
    [
      "an EndpointSlice of the endpointslice controller",
      item("discovery.k8s.io", "endpointslices", "shop", "web-x7k2p"),
      json("discovery.k8s.io/v1", "EndpointSlice", {}, { labels: { "kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" } }),
      /endpointslice-controller\.k8s\.io makes this EndpointSlice/,
    ],
    [
      "an EndpointSlice mirrored from Endpoints",
      item("discovery.k8s.io", "endpointslices", "shop", "db-ab12c"),
      json("discovery.k8s.io/v1", "EndpointSlice", {}, { labels: { "endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io" } }),
      /endpointslicemirroring-controller\.k8s\.io/,
    ],
    ["Endpoints with the controller's skip-mirror label (1.19+)", item("", "endpoints", "shop", "web"), json("v1", "Endpoints", {}, { labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } }), /endpoints controller/],
    ["Endpoints with the controller's trigger-time annotation (1.14+)", item("", "endpoints", "shop", "web"), json("v1", "Endpoints", {}, { annotations: { "endpoints.kubernetes.io/last-change-trigger-time": "2026-01-01T00:00:00Z" } }), /endpoints controller/],
  ])("skips %s", (_, backupItem, object, reason) => {
    expect(skipReason(backupItem, object)).toMatch(reason);
  });

  it.each<[string, BackupItem, KubeObject | undefined]>([
    ["a ConfigMap of the user's", item("", "configmaps", "shop", "settings"), json("v1", "ConfigMap")],
    ["a Lease outside kube-node-lease", item("coordination.k8s.io", "leases", "shop", "leader"), undefined],
    ["an Opaque Secret", item("", "secrets", "shop", "db"), json("v1", "Secret", { type: "Opaque" })],
    ["a Secret before its JSON is read", item("", "secrets", "shop", "web-token-abcde"), undefined],
    ["Endpoints of a Service without a selector (no controller marks)", item("", "endpoints", "shop", "external-db"), json("v1", "Endpoints", { subsets: [{ addresses: [{ ip: "192.0.2.10" }] }] })],
    ["an EndpointSlice the user manages", item("discovery.k8s.io", "endpointslices", "shop", "external-db-1"), json("discovery.k8s.io/v1", "EndpointSlice", {}, { labels: { "kubernetes.io/service-name": "external-db", "endpointslice.kubernetes.io/managed-by": "staff" } })],
    ["a Deployment", item("apps", "deployments", "shop", "web"), json("apps/v1", "Deployment")],
  ])("restores %s", (_, backupItem, object) => {
    expect(skipReason(backupItem, object)).toBeUndefined();
  });
});
