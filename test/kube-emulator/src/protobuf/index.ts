/**
 * Decoding of application/vnd.kubernetes.protobuf request bodies into the JSON objects the emulator
 * stores. kubectl's generator commands (`kubectl create deployment|configmap|secret ...`, `kubectl
 * autoscale`, `kubectl auth can-i`, the DELETE bodies of `kubectl drain`) send protobuf.
 */
export { decodeKubernetesProtobuf, isKubernetesProtobuf, protobufMediaType, type DecodedProtobufBody } from "./envelope.js";
export { KubernetesProtobufError } from "./wire.js";
export { kubernetesSchemas } from "./registry.js";
