import type { JsonObject, KubeObject, ResourceInfo } from "../../api-types.js";
import type { DeleteOptions } from "../../api/deleter.js";
import type { ObjectService } from "../../api/object-service.js";
import { isJsonObject, now } from "../../api/object-meta.js";
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from "../../selectors/index.js";
import { badRequest, conflict, forbidden, StatusError } from "../status-error.js";
import { createdStatus } from "./pod-binding.js";

/**
 * POST .../pods/{name}/eviction: a delete that respects PodDisruptionBudgets (EvictionREST
 * in pkg/registry/core/pod/storage/eviction.go). Pods that are not running, or already
 * going, are deleted at once; otherwise the one matching budget must allow a disruption,
 * which the eviction then uses up in the budget's status.
 */
export function evictPod(service: ObjectService, info: ResourceInfo, ns: string | undefined, name: string, body: unknown, deleteOptions: (body: unknown) => DeleteOptions): JsonObject {
  const eviction = isJsonObject(body) ? body : {};
  const meta = isJsonObject(eviction.metadata) ? eviction.metadata : {};
  if (meta.name !== name) throw badRequest("name in URL does not match name in Eviction object");
  const options = deleteOptions(eviction.deleteOptions);
  const pod = service.get(info, ns, name);
  if (canIgnoreBudgets(pod)) return deletePod(service, info, pod, options);
  const budgets = service.store
    .list("policy/poddisruptionbudgets", pod.metadata.namespace ?? "")
    .items.filter((pdb) => selects(pdb, pod, service.minor));
  if (budgets.length > 1) {
    const message = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";
    throw new StatusError(500, "InternalError", `Internal error occurred: ${message}`, { causes: [{ message }] });
  }
  if (budgets.length === 1) takeDisruption(service, budgets[0]!, pod, options.dryRun === true);
  return deletePod(service, info, pod, options);
}

/** Terminal, pending and deleting pods have already disrupted what they can (canIgnorePDB). */
function canIgnoreBudgets(pod: KubeObject): boolean {
  const phase = (pod.status as JsonObject | undefined)?.phase;
  return phase === "Succeeded" || phase === "Failed" || phase === "Pending" || pod.metadata.deletionTimestamp !== undefined;
}

/** A budget without a selector selects nothing; from policy/v1 (1.21) an empty one selects every pod. */
function selects(pdb: KubeObject, pod: KubeObject, minor: number): boolean {
  const selector = (pdb.spec as JsonObject | undefined)?.selector as LabelSelectorObject | null | undefined;
  if (!selector) return false;
  const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  if (empty) return minor >= 21;
  return matchesLabels(labelSelectorFromObject(selector), pod.metadata.labels);
}

function isReady(pod: KubeObject): boolean {
  const conditions = (pod.status as JsonObject | undefined)?.conditions;
  return Array.isArray(conditions) && conditions.some((c) => isJsonObject(c) && c.type === "Ready" && c.status === "True");
}

/** checkAndDecrement: the budget must be current and allow a disruption; the eviction records itself in it. */
function takeDisruption(service: ObjectService, pdb: KubeObject, pod: KubeObject, dryRun: boolean): void {
  const name = pdb.metadata.name ?? "";
  const status = (pdb.status as JsonObject | undefined) ?? {};
  const num = (v: unknown): number => (typeof v === "number" ? v : 0);
  // An unready pod does not count as healthy: evicting it costs nothing while the budget is met.
  if (!isReady(pod) && num(status.currentHealthy) >= num(status.desiredHealthy) && num(status.desiredHealthy) > 0) return;
  if (num(status.observedGeneration) < num(pdb.metadata.generation)) {
    throw tooManyRequests(10, `The disruption budget ${name} is still being processed by the server.`);
  }
  const allowed = num(status.disruptionsAllowed);
  if (allowed < 0) throw forbidden("policy", "poddisruptionbudget", name, "pdb disruptions allowed is negative");
  if (allowed === 0) {
    throw tooManyRequests(0, `The disruption budget ${name} needs ${num(status.desiredHealthy)} healthy pods and has ${num(status.currentHealthy)} currently`);
  }
  if (dryRun) return;
  const disruptedPods = { ...(isJsonObject(status.disruptedPods) ? status.disruptedPods : {}), [pod.metadata.name ?? ""]: now() };
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const nextConditions =
    allowed - 1 === 0
      ? [
          ...conditions.filter((c) => !(isJsonObject(c) && c.type === "DisruptionAllowed")),
          { type: "DisruptionAllowed", status: "False", reason: "InsufficientPods", message: "", observedGeneration: num(status.observedGeneration), lastTransitionTime: now() },
        ]
      : conditions;
  service.store.update("policy/poddisruptionbudgets", { ...pdb, status: { ...status, disruptionsAllowed: allowed - 1, disruptedPods, conditions: nextConditions } });
}

function tooManyRequests(retryAfterSeconds: number, cause: string): StatusError {
  return new StatusError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", {
    causes: [{ reason: "DisruptionBudget", message: cause }],
    ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
  });
}

/** addConditionAndDeletePod: from 1.26 (PodDisruptionConditions) the pod is marked DisruptionTarget first. */
function deletePod(service: ObjectService, info: ResourceInfo, pod: KubeObject, options: DeleteOptions): JsonObject {
  const name = pod.metadata.name ?? "";
  const ns = pod.metadata.namespace;
  if (!options.dryRun && service.minor >= 26) {
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== pod.metadata.uid) {
      throw conflict("", "pods", name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${pod.metadata.uid ?? ""}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== pod.metadata.resourceVersion) {
      throw conflict("", "pods", name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${pod.metadata.resourceVersion ?? ""}`);
    }
    const stored = service.store.get(info.storageKey, ns ?? "", name)!;
    const status = (stored.status as JsonObject | undefined) ?? {};
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c) => !(isJsonObject(c) && c.type === "DisruptionTarget"));
    const marked = service.store.update(info.storageKey, {
      ...stored,
      status: { ...status, conditions: [...conditions, { type: "DisruptionTarget", status: "True", lastProbeTime: null, lastTransitionTime: now(), reason: "EvictionByEvictionAPI", message: "Eviction API: evicting" }] },
    });
    if (pre?.resourceVersion) options = { ...options, preconditions: { ...pre, resourceVersion: marked.metadata.resourceVersion } };
  }
  service.delete(info, ns, name, options);
  return createdStatus;
}
