// Items a restore never applies, with the reason the results give. Some are known from the item
// header alone (planning skips them before reading their JSON); others only from the JSON.
import type { BackupItem } from "@lifeboat/shared/repo";
import { resourceKey } from "../../backup/resources.js";
import type { KubeObject } from "../types.js";

/** Resources that describe the source cluster itself, by resourceKey. */
const CLUSTER_STATE: ReadonlyMap<string, string> = new Map([
  ["/nodes", "nodes belong to the source cluster"],
  ["/events", "events are the source cluster's history"],
  ["events.k8s.io/events", "events are the source cluster's history"],
  ["storage.k8s.io/csinodes", "CSI nodes belong to the source cluster's nodes"],
  ["storage.k8s.io/volumeattachments", "volume attachments belong to the source cluster's nodes"],
  ["/componentstatuses", "component statuses are the source cluster's health"],
]);

const SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token";
const ENDPOINT_SLICE_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
// The EndpointSlice controller makes slices for Services with a selector; the mirroring
// controller makes them from Endpoints, which are restored (when the user's) and mirrored again.
const SLICE_CONTROLLERS = new Set(["endpointslice-controller.k8s.io", "endpointslicemirroring-controller.k8s.io"]);
// Marks of the endpoints controller on the Endpoints of a Service with a selector: the
// skip-mirror label (1.19+) and the last-change-trigger-time annotation (1.14+).
const SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
const LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";

/**
 * Why `item` is not restored, or undefined when it is. Without `object` only what the item's
 * header shows is checked; with its JSON also:
 *  - service-account token Secrets (the target mints its own for its accounts);
 *  - EndpointSlices made by the target's own controllers (managed-by label);
 *  - Endpoints the endpoints controller made for a Service with a selector. Which Service has a
 *    selector is not known here, so the controller's marks decide: the skip-mirror label or the
 *    last-change-trigger-time annotation, and the API server's own default/kubernetes. Endpoints
 *    without them are taken to be the user's, for a Service without a selector, and restored; an
 *    unmarked controller-made one is overwritten by the target's controller once its Service is
 *    restored, so the mistake costs a moment of stale addresses, not lost configuration.
 */
export function skipReason(item: BackupItem, object?: KubeObject): string | undefined {
  const key = resourceKey(item);
  const clusterState = CLUSTER_STATE.get(key);
  if (clusterState) return `${clusterState}; the target has its own`;
  if (key === "coordination.k8s.io/leases" && item.namespace === "kube-node-lease") return "node leases belong to the source cluster's nodes";
  if (key === "/configmaps" && item.name === "kube-root-ca.crt") return "the target's root CA publisher makes kube-root-ca.crt in every namespace";
  if ((key === "/endpoints" || key === "discovery.k8s.io/endpointslices") && item.namespace === "default" && item.name === "kubernetes") return "the target's API server keeps the endpoints of the kubernetes Service";
  if (!object) return undefined;
  if (key === "/secrets" && object.type === SERVICE_ACCOUNT_TOKEN) return "service-account token Secrets are minted by the target for its own accounts";
  const labels = object.metadata.labels ?? {};
  const managedBy = labels[ENDPOINT_SLICE_MANAGED_BY];
  if (key === "discovery.k8s.io/endpointslices" && managedBy !== undefined && SLICE_CONTROLLERS.has(managedBy)) return `the target's ${managedBy} makes this EndpointSlice`;
  if (key === "/endpoints" && (labels[SKIP_MIRROR] === "true" || object.metadata.annotations?.[LAST_CHANGE_TRIGGER_TIME] !== undefined)) return "the target's endpoints controller makes the endpoints of a Service with a selector";
  return undefined;
}
