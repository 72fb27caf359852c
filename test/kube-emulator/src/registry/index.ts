export { ResourceRegistry, type ServedGroup } from "./resource-registry.js";
export { compareKubeVersions } from "./version-priority.js";
