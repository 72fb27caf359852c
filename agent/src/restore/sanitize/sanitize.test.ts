import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { SANITIZE_RULES, sanitizeObject } from "./sanitize.js";
import type { SanitizeOptions, SanitizeRule } from "./sanitize-rule.js";
import { dropJobControllerUid } from "./rules/drop-job-controller-uid.js";
import { dropNodePorts } from "./rules/drop-node-ports.js";
import { dropOwnerReferences } from "./rules/drop-owner-references.js";
import { dropPodNodeName } from "./rules/drop-pod-node-name.js";
import { dropPodTokenVolume } from "./rules/drop-pod-token-volume.js";
import { dropPvClaimRef } from "./rules/drop-pv-claim-ref.js";
import { dropPvcBinding } from "./rules/drop-pvc-binding.js";
import { dropServerMetadata } from "./rules/drop-server-metadata.js";
import { dropServiceClusterIps } from "./rules/drop-service-cluster-ips.js";
import { dropStatus } from "./rules/drop-status.js";

const RESTORED_UID = "uid-of-a-restored-owner";
const options = (overrides: Partial<SanitizeOptions> = {}): SanitizeOptions => ({ preserveNodePorts: false, isRestored: (uid) => uid === RESTORED_UID, ...overrides });

function object(apiVersion: string, kind: string, fields: Record<string, unknown> = {}, metadata: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name: "web", namespace: "shop", ...metadata }, ...fields };
}

const lastApplied = (spec: unknown) => ({ "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({ apiVersion: "v1", kind: "Service", spec }) });
const ports = [
  { name: "http", port: 80, targetPort: 8080, nodePort: 31080 },
  { name: "https", port: 443, targetPort: 8443, nodePort: 31443 },
];
const withoutNodePorts = ports.map(({ nodePort: _, ...port }) => port);
const owner = (uid: string, controller?: boolean) => ({ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-5d8f", uid, ...(controller === undefined ? {} : { controller }) });
const container = (mounts: unknown[]) => ({ name: "web", image: "nginx", volumeMounts: mounts });
const tokenMount = (name: string) => ({ name, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true });
const dataMount = { name: "data", mountPath: "/data" };
const dataVolume = { name: "data", persistentVolumeClaim: { claimName: "data" } };

type Row = [rule: SanitizeRule, what: string, input: KubeObject, options: SanitizeOptions, expected: KubeObject];

/** One row per rule and case: positive rows show what a rule drops, negative ones what must stay. */
const rows: Row[] = [
  [
    dropServerMetadata,
    "drops uid, resourceVersion, timestamps, generation, managedFields and selfLink; keeps labels, annotations and finalizers",
    object("v1", "ConfigMap", { data: { a: "1" } }, {
      uid: "u-1",
      resourceVersion: "42",
      creationTimestamp: "2026-01-01T00:00:00Z",
      deletionTimestamp: "2026-01-02T00:00:00Z",
      deletionGracePeriodSeconds: 30,
      generation: 3,
      managedFields: [{ manager: "kubectl" }],
      selfLink: "/api/v1/namespaces/shop/configmaps/web",
      labels: { app: "web" },
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}", team: "shop" },
      finalizers: ["example.com/keep"],
    }),
    options(),
    object("v1", "ConfigMap", { data: { a: "1" } }, { labels: { app: "web" }, annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}", team: "shop" }, finalizers: ["example.com/keep"] }),
  ],
  [dropStatus, "drops status of any kind", object("example.com/v1", "Widget", { spec: { size: 1 }, status: { ready: true } }), options(), object("example.com/v1", "Widget", { spec: { size: 1 } })],
  [
    dropServiceClusterIps,
    "drops a Service's clusterIP and clusterIPs",
    object("v1", "Service", { spec: { type: "ClusterIP", clusterIP: "10.96.4.2", clusterIPs: ["10.96.4.2"], ports: withoutNodePorts } }),
    options(),
    object("v1", "Service", { spec: { type: "ClusterIP", ports: withoutNodePorts } }),
  ],
  [
    dropServiceClusterIps,
    "keeps a headless Service's clusterIP None",
    object("v1", "Service", { spec: { clusterIP: "None", clusterIPs: ["None"], selector: { app: "db" } } }),
    options(),
    object("v1", "Service", { spec: { clusterIP: "None", clusterIPs: ["None"], selector: { app: "db" } } }),
  ],
  [
    dropServiceClusterIps,
    "leaves a custom resource's clusterIP alone",
    object("example.com/v1", "Service", { spec: { clusterIP: "10.0.0.1" } }),
    options(),
    object("example.com/v1", "Service", { spec: { clusterIP: "10.0.0.1" } }),
  ],
  [
    dropNodePorts,
    "drops assigned node ports and healthCheckNodePort of a LoadBalancer",
    object("v1", "Service", { spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", healthCheckNodePort: 32000, ports } }),
    options(),
    object("v1", "Service", { spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", ports: withoutNodePorts } }),
  ],
  [
    dropNodePorts,
    "keeps node ports when preserved",
    object("v1", "Service", { spec: { type: "NodePort", healthCheckNodePort: 32000, ports } }),
    options({ preserveNodePorts: true }),
    object("v1", "Service", { spec: { type: "NodePort", healthCheckNodePort: 32000, ports } }),
  ],
  [
    dropNodePorts,
    "keeps a node port the user chose in the last-applied configuration, drops the assigned one",
    object("v1", "Service", { spec: { type: "NodePort", ports } }, { annotations: lastApplied({ type: "NodePort", ports: [{ name: "http", port: 80, nodePort: 31080 }, { name: "https", port: 443 }] }) }),
    options(),
    object("v1", "Service", { spec: { type: "NodePort", ports: [ports[0], withoutNodePorts[1]] } }, { annotations: lastApplied({ type: "NodePort", ports: [{ name: "http", port: 80, nodePort: 31080 }, { name: "https", port: 443 }] }) }),
  ],
  [
    dropNodePorts,
    "drops node ports when the last-applied configuration is not JSON",
    object("v1", "Service", { spec: { type: "NodePort", ports } }, { annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{not json" } }),
    options(),
    object("v1", "Service", { spec: { type: "NodePort", ports: withoutNodePorts } }, { annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{not json" } }),
  ],
  [dropPodNodeName, "drops a Pod's nodeName", object("v1", "Pod", { spec: { nodeName: "node-7", containers: [container([])] } }), options(), object("v1", "Pod", { spec: { containers: [container([])] } })],
  [
    dropPodNodeName,
    "leaves a Deployment's template nodeName alone",
    object("apps/v1", "Deployment", { spec: { template: { spec: { nodeName: "edge-1" } } } }),
    options(),
    object("apps/v1", "Deployment", { spec: { template: { spec: { nodeName: "edge-1" } } } }),
  ],
  [
    dropPodTokenVolume,
    "drops a projected kube-api-access volume and its mounts in every container",
    object("v1", "Pod", {
      spec: {
        initContainers: [{ name: "init", image: "busybox", volumeMounts: [tokenMount("kube-api-access-x7k2p")] }],
        containers: [container([dataMount, tokenMount("kube-api-access-x7k2p")])],
        volumes: [dataVolume, { name: "kube-api-access-x7k2p", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } }],
      },
    }),
    options(),
    object("v1", "Pod", { spec: { initContainers: [{ name: "init", image: "busybox" }], containers: [container([dataMount])], volumes: [dataVolume] } }),
  ],
  [
    dropPodTokenVolume,
    "drops a pre-1.21 token Secret volume of a named account, found by its mount path",
    object("v1", "Pod", { spec: { serviceAccountName: "web", containers: [container([tokenMount("web-token-abcde")])], volumes: [{ name: "web-token-abcde", secret: { secretName: "web-token-abcde" } }] } }),
    options(),
    object("v1", "Pod", { spec: { serviceAccountName: "web", containers: [{ name: "web", image: "nginx" }] } }),
  ],
  [
    dropPodTokenVolume,
    "keeps the user's volumes, projected ones included",
    object("v1", "Pod", { spec: { containers: [container([dataMount, { name: "config", mountPath: "/etc/app" }])], volumes: [dataVolume, { name: "config", projected: { sources: [{ configMap: { name: "app" } }] } }] } }),
    options(),
    object("v1", "Pod", { spec: { containers: [container([dataMount, { name: "config", mountPath: "/etc/app" }])], volumes: [dataVolume, { name: "config", projected: { sources: [{ configMap: { name: "app" } }] } }] } }),
  ],
  [
    dropPvClaimRef,
    "keeps the claim a PersistentVolume is for without its uid and resourceVersion, and drops bound-by-controller",
    object("v1", "PersistentVolume", { spec: { capacity: { storage: "1Gi" }, claimRef: { kind: "PersistentVolumeClaim", namespace: "shop", name: "data", uid: "u-9", resourceVersion: "7" } } }, {
      namespace: undefined,
      annotations: { "pv.kubernetes.io/bound-by-controller": "yes", "pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com" },
    }),
    options(),
    object("v1", "PersistentVolume", { spec: { capacity: { storage: "1Gi" }, claimRef: { kind: "PersistentVolumeClaim", namespace: "shop", name: "data" } } }, { namespace: undefined, annotations: { "pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com" } }),
  ],
  [
    dropPvClaimRef,
    "leaves an unbound PersistentVolume as it is",
    object("v1", "PersistentVolume", { spec: { capacity: { storage: "1Gi" } } }, { namespace: undefined, annotations: { "pv.kubernetes.io/bound-by-controller": "yes" } }),
    options(),
    object("v1", "PersistentVolume", { spec: { capacity: { storage: "1Gi" } } }, { namespace: undefined, annotations: { "pv.kubernetes.io/bound-by-controller": "yes" } }),
  ],
  [
    dropPvcBinding,
    "drops a PersistentVolumeClaim's volumeName and every binding annotation",
    object("v1", "PersistentVolumeClaim", { spec: { storageClassName: "fast", volumeName: "pvc-1234" } }, {
      annotations: {
        "pv.kubernetes.io/bind-completed": "yes",
        "pv.kubernetes.io/bound-by-controller": "yes",
        "volume.beta.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
        "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
        "volume.kubernetes.io/selected-node": "node-7",
      },
    }),
    options(),
    object("v1", "PersistentVolumeClaim", { spec: { storageClassName: "fast" } }),
  ],
  [
    dropPvcBinding,
    "keeps a PersistentVolumeClaim's other annotations",
    object("v1", "PersistentVolumeClaim", { spec: { storageClassName: "fast" } }, { annotations: { "pv.kubernetes.io/bind-completed": "yes", "backup.example.com/tier": "gold" } }),
    options(),
    object("v1", "PersistentVolumeClaim", { spec: { storageClassName: "fast" } }, { annotations: { "backup.example.com/tier": "gold" } }),
  ],
  [
    dropOwnerReferences,
    "drops a controller reference and one to an object not restored, and the list when empty",
    object("v1", "Pod", {}, { ownerReferences: [owner(RESTORED_UID, true), owner("uid-not-restored")] }),
    options(),
    object("v1", "Pod"),
  ],
  [
    dropOwnerReferences,
    "keeps a non-controller reference to a restored object",
    object("v1", "ConfigMap", {}, { ownerReferences: [owner(RESTORED_UID), owner("uid-not-restored", false), owner(RESTORED_UID, false)] }),
    options(),
    object("v1", "ConfigMap", {}, { ownerReferences: [owner(RESTORED_UID), owner(RESTORED_UID, false)] }),
  ],
  [
    dropJobControllerUid,
    "drops a Job's generated controller-uid selector and template labels",
    object("batch/v1", "Job", {
      spec: {
        selector: { matchLabels: { "controller-uid": "u-1", "batch.kubernetes.io/controller-uid": "u-1" } },
        template: { metadata: { labels: { "controller-uid": "u-1", "batch.kubernetes.io/controller-uid": "u-1", "job-name": "web", app: "web" } } },
      },
    }),
    options(),
    object("batch/v1", "Job", { spec: { template: { metadata: { labels: { "job-name": "web", app: "web" } } } } }),
  ],
  [
    dropJobControllerUid,
    "keeps a Job's manual selector",
    object("batch/v1", "Job", { spec: { manualSelector: true, selector: { matchLabels: { "controller-uid": "mine" } }, template: { metadata: { labels: { "controller-uid": "mine" } } } } }),
    options(),
    object("batch/v1", "Job", { spec: { manualSelector: true, selector: { matchLabels: { "controller-uid": "mine" } }, template: { metadata: { labels: { "controller-uid": "mine" } } } } }),
  ],
];

describe("sanitize rules", () => {
  it.each(rows.map(([rule, what, input, ruleOptions, expected]) => ({ name: `${rule.name}: ${what}`, rule, input, ruleOptions, expected })))("$name", ({ rule, input, ruleOptions, expected }) => {
    const out = structuredClone(input);
    rule.apply(out, ruleOptions);
    expect(out).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it("every rule is in the list sanitizeObject applies", () => {
    expect(SANITIZE_RULES).toEqual(expect.arrayContaining([dropServerMetadata, dropStatus, dropServiceClusterIps, dropNodePorts, dropPodNodeName, dropPodTokenVolume, dropPvClaimRef, dropPvcBinding, dropOwnerReferences, dropJobControllerUid]));
  });
});

describe("sanitizeObject", () => {
  const service = object("v1", "Service", { spec: { type: "NodePort", clusterIP: "10.96.0.9", clusterIPs: ["10.96.0.9"], ports, selector: { app: "web" } }, status: { loadBalancer: {} } }, {
    uid: "u-svc",
    resourceVersion: "9",
    labels: { app: "web" },
    annotations: { team: "shop" },
  });

  it("applies every rule to a copy and leaves the stored object as it was", () => {
    const before = structuredClone(service);
    const sanitized = sanitizeObject(service, options());
    expect(sanitized).toEqual(object("v1", "Service", { spec: { type: "NodePort", ports: withoutNodePorts, selector: { app: "web" } } }, { labels: { app: "web" }, annotations: { team: "shop" } }));
    expect(service).toEqual(before);
  });

  it("keeps node ports when preserved", () => {
    expect((sanitizeObject(service, options({ preserveNodePorts: true })).spec as { ports: unknown }).ports).toEqual(ports);
  });
});
