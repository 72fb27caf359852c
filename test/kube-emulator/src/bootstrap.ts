import type { KubeObject } from "./api-types.js";
import { newUid, now } from "./api/object-meta.js";
import type { ObjectStore } from "./store/index.js";

/** The namespaces a fresh cluster has; kube-system's UID is the cluster's fingerprint. */
export const systemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

export function seedNamespaces(store: ObjectStore, minor: number): { kubeSystemUid: string } {
  let kubeSystemUid = "";
  for (const name of systemNamespaces) {
    const uid = newUid();
    if (name === "kube-system") kubeSystemUid = uid;
    const ns: KubeObject = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, uid, creationTimestamp: now(), ...(minor >= 21 ? { labels: { "kubernetes.io/metadata.name": name } } : {}) },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    };
    store.create("/namespaces", ns);
  }
  return { kubeSystemUid };
}

/**
 * The `kubernetes` Service every cluster has in default, on the first address of the service
 * CIDR, and the Endpoints (plus, from 1.17, the EndpointSlice) the API server's endpoint
 * reconciler keeps pointing at itself.
 */
export function seedKubernetesService(store: ObjectStore, minor: number, port: number, host = "127.0.0.1"): void {
  store.create("/services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", uid: newUid(), creationTimestamp: now(), labels: { component: "apiserver", provider: "kubernetes" } },
    spec: {
      type: "ClusterIP",
      clusterIP: "10.96.0.1",
      ...(minor >= 20 ? { clusterIPs: ["10.96.0.1"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" } : {}),
      ...(minor >= 22 ? { internalTrafficPolicy: "Cluster" } : {}),
      sessionAffinity: "None",
      ports: [{ name: "https", protocol: "TCP", port: 443, targetPort: port }],
    },
    status: { loadBalancer: {} },
  });
  seedKubernetesEndpoints(store, minor, port, host);
}

function seedKubernetesEndpoints(store: ObjectStore, minor: number, port: number, host: string): void {
  // The reconciler labels its Endpoints so that EndpointSliceMirroring (1.19+) leaves them be.
  const metadata: KubeObject["metadata"] = { name: "kubernetes", namespace: "default", uid: newUid(), creationTimestamp: now() };
  if (minor >= 19) metadata.labels = { "endpointslice.kubernetes.io/skip-mirror": "true" };
  store.create("/endpoints", {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata,
    subsets: [{ addresses: [{ ip: host }], ports: [{ name: "https", port, protocol: "TCP" }] }],
  });
  if (minor < 17) return;
  // endpointSliceFromEndpoints: named as the Service, without the managed-by label.
  store.create("discovery.k8s.io/endpointslices", {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "kubernetes", namespace: "default", uid: newUid(), creationTimestamp: now(), generation: 1, labels: { "kubernetes.io/service-name": "kubernetes" } },
    addressType: "IPv4",
    endpoints: [{ addresses: [host], conditions: { ready: true } }],
    ports: [{ name: "https", port, protocol: "TCP" }],
  });
}

/** Node objects as a kubelet registers them, Ready, so schedulers and `kubectl get nodes` see a cluster. */
export function seedNodes(store: ObjectStore, count: number, kubeletVersion: string): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `node-${i + 1}`;
    names.push(name);
    const at = now();
    store.create("/nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name,
        uid: newUid(),
        creationTimestamp: at,
        labels: {
          "kubernetes.io/hostname": name,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": "amd64",
          "beta.kubernetes.io/os": "linux",
          "beta.kubernetes.io/arch": "amd64",
        },
      },
      spec: { podCIDR: `10.244.${i}.0/24` },
      status: {
        capacity: { cpu: "4", memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" },
        allocatable: { cpu: "4", memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" },
        conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: at, lastTransitionTime: at }],
        addresses: [
          { type: "InternalIP", address: `172.18.0.${i + 2}` },
          { type: "Hostname", address: name },
        ],
        nodeInfo: { kubeletVersion, kubeProxyVersion: kubeletVersion, operatingSystem: "linux", architecture: "amd64", containerRuntimeVersion: "containerd://1.7.0", osImage: "Lifeboat sandbox", kernelVersion: "6.1.0", machineID: "", systemUUID: "", bootID: "" },
      },
    });
  }
  return names;
}
