import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { replicaTargetsOf, setReplicas, type ReplicaSubject } from "./replicas.js";

const targets = replicaTargetsOf(
  new Map([
    ["shop/web", 0],
    ["deployments.apps/shop/api", 5],
    ["widgets.example.io/shop/w", 2],
    ["shop-dr/db", 3],
  ]),
);

const object = (kind: string, spec: Record<string, unknown> = { replicas: 1 }): KubeObject => ({ apiVersion: "apps/v1", kind, metadata: { name: "x", namespace: "shop-dr" }, spec });
const subject = (name: string, groupResource = "deployments.apps", other: string[] = []): ReplicaSubject => ({ groupResource, otherGroupResources: other, sourceNamespace: "shop", targetNamespace: "shop-dr", name });

describe("setReplicas", () => {
  it.each<[string, KubeObject, ReplicaSubject, unknown]>([
    ["a Deployment named by ns/name", object("Deployment"), subject("web"), 0],
    ["a StatefulSet named by ns/name", object("StatefulSet"), subject("web", "statefulsets.apps"), 0],
    ["a ReplicaSet named by ns/name", object("ReplicaSet"), subject("web", "replicasets.apps"), 0],
    ["a ReplicationController named by ns/name", object("ReplicationController"), subject("web", "replicationcontrollers"), 0],
    ["a Deployment named by resource/ns/name", object("Deployment"), subject("api"), 5],
    ["a Deployment stored as deployments.extensions, named as deployments.apps", object("Deployment"), subject("api", "deployments.apps", ["deployments.extensions"]), 5],
    ["a custom resource named by resource/ns/name", object("Widget"), subject("w", "widgets.example.io"), 2],
    ["a Deployment named by its target namespace", object("Deployment"), subject("db"), 3],
    ["a Deployment without spec.replicas", object("Deployment", {}), subject("web"), 0],
  ])("sets replicas of %s", (_, draft, who, expected) => {
    setReplicas(draft, who, targets);
    expect((draft.spec as { replicas?: number }).replicas).toBe(expected);
  });

  it.each<[string, KubeObject, ReplicaSubject]>([
    ["another name", object("Deployment"), subject("other")],
    ["another namespace", object("Deployment"), { ...subject("web"), sourceNamespace: "web", targetNamespace: "web" }],
    ["a StatefulSet under a deployments.apps key", object("StatefulSet"), subject("api", "statefulsets.apps")],
    ["a custom resource under an ns/name key", object("Widget"), subject("web", "widgets.example.io")],
    ["a Service under an ns/name key", object("Service"), subject("web", "services")],
  ])("leaves %s alone", (_, draft, who) => {
    setReplicas(draft, who, targets);
    expect((draft.spec as { replicas?: number }).replicas).toBe(1);
  });
});
