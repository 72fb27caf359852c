export { transformInPlace, transformObject, type TransformOptions } from "./transform-object.js";
export { mapNamespace, mapObjectNamespaces } from "./namespace-mapping.js";
export { isMappedStorageClass, mapStorageClasses } from "./storage-class-mapping.js";
export { mapImage, mapImages, type RegistryMapping } from "./image-registry-mapping.js";
export { replicaTargetsOf, setReplicas, type ReplicaSubject, type ReplicaTarget } from "./replicas.js";
export { translatePvSource, type CsiSource } from "./pv-source-translation.js";
export { addInitContainers, initContainerHookRulesOf, type InitContainerHookRule } from "./init-container-hooks.js";
export { addRestoreLabels } from "./restore-labels.js";
export { podOf, containersOf, type PodLike, type PodSpecLike } from "./pod-specs.js";
