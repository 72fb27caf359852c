// The node agent: copies volume data between pods' volume directories on its node and the
// repository, as the VolumeBackups and VolumeRestores labelled with its node ask.
export { startNodeAgent, type NodeAgentOptions, type RunningNodeAgent } from "./node-agent.js";
export { restoredMarkerPath } from "./restore-volume.js";
export { resolveVolumeRoot } from "./volume-root.js";
export { measureTree, type TreeSize } from "./size-walk.js";
// The CLI loads the node agent's kubeconfig as the cluster agent's.
export { loadKubeConfig } from "../../kube/index.js";
