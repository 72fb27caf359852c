// The agent's view of its own cluster, through @kubernetes/client-node.
export { loadKubeConfig, type KubeConfigSource } from "./kube-config.js";
export { readFingerprint } from "./fingerprint.js";
export { readKubernetesVersion } from "./version.js";
export { discoverApiResources, type DiscoveredResource, type Discovery, type FailedGroupVersion } from "./discovery.js";
export { collectInventory, type InventoryContext } from "./inventory.js";
export { parseStatus, toKubeError } from "./kube-error.js";
export { createRawClient, type RawClient, type RawRequest, type RawResponse } from "./raw-client.js";
