// The sanitize stage: what of an object's JSON is the source cluster's and must not reach the
// target. Each rule is its own module under rules/; they apply in this order.
import type { KubeObject } from "../types.js";
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
import type { SanitizeOptions, SanitizeRule } from "./sanitize-rule.js";

export const SANITIZE_RULES: readonly SanitizeRule[] = [
  dropServerMetadata,
  dropStatus,
  dropOwnerReferences,
  dropServiceClusterIps,
  dropNodePorts,
  dropPodNodeName,
  dropPodTokenVolume,
  dropPvClaimRef,
  dropPvcBinding,
  dropJobControllerUid,
];

/** A copy of `object` without what belongs to the source cluster; `object` is not changed. */
export function sanitizeObject(object: KubeObject, options: SanitizeOptions): KubeObject {
  return sanitizeInPlace(structuredClone(object), options);
}

/** sanitizeObject on an object the caller owns (a restore's freshly parsed item): changes and returns it. */
export function sanitizeInPlace(object: KubeObject, options: SanitizeOptions): KubeObject {
  for (const rule of SANITIZE_RULES) rule.apply(object, options);
  return object;
}
