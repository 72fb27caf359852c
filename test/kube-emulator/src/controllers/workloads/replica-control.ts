import type { JsonObject, KubeObject } from "../../api-types.js";
import { now } from "../../api/object-meta.js";
import { StatusError } from "../../http/status-error.js";
import { matchesLabels, type LabelSelector } from "../../selectors/index.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { WorkQueue } from "../work-queue.js";
import { controllerOf, podFromTemplate } from "./owner-refs.js";
import { claimPods } from "./pod-claims.js";
import { isPodActive, isPodAvailable, isPodReady, podReadyTime } from "./pod-status.js";
import { podsToDelete } from "./replica-control-ranking.js";

/** What tells a ReplicaSet from a ReplicationController; the replica logic is the same. */
export interface ReplicaKind {
  /** Controller name in the registry ("replicaset"). */
  name: string;
  /** Where the controllers are stored ("apps/replicasets"). */
  storageKey: string;
  kind: string;
  /** Source component of the Events it records ("replicaset-controller"). */
  component: string;
  /** The pods it selects; throws on a selector that does not parse. */
  selectorOf(obj: KubeObject): LabelSelector;
}

/** controller.BurstReplicas: at most this many creations or deletions per sync. */
const burstReplicas = 500;

type Key = string;
const keyOf = (namespace: string, name: string): Key => `${namespace}/${name}`;
/** A key for an orphan pod: the controllers in its namespace whose selector matches it get a sync. */
const orphanKeyOf = (namespace: string, pod: string): Key => `orphan:${namespace}/${pod}`;

/**
 * The ReplicaSet controller (pkg/controller/replicaset), which upstream also runs, through a
 * conversion, as the ReplicationController manager (pkg/controller/replication). Keeps
 * spec.replicas active pods: claims pods (adopting matching orphans, releasing pods whose
 * labels stopped matching), creates from the template in slow-start batches, deletes the
 * surplus in the upstream ranking order, and reports replicas, fullyLabeledReplicas,
 * readyReplicas, availableReplicas, observedGeneration and a ReplicaFailure condition.
 */
export class ReplicaControl implements Controller {
  readonly name: string;
  private readonly queue: WorkQueue<Key>;
  private unsubscribe?: () => void;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly kind: ReplicaKind,
  ) {
    this.name = kind.name;
    this.queue = new WorkQueue(
      (key) => this.handle(key),
      (key, err) => ctx.log(`${kind.name} ${key}: ${String(err)}`),
    );
  }

  start(): void {
    const store = this.ctx.service.store;
    this.unsubscribe = store.subscribe((e) => this.observe(e));
    for (const obj of store.list(this.kind.storageKey).items) this.queue.add(keyOf(obj.metadata.namespace ?? "", obj.metadata.name ?? ""));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey === this.kind.storageKey) {
      this.queue.add(keyOf(event.namespace, event.object.metadata.name ?? ""));
      return;
    }
    if (event.storageKey !== "/pods") return;
    const ref = controllerOf(event.object);
    const before = event.previous ? controllerOf(event.previous) : undefined;
    if (ref?.kind === this.kind.kind) this.queue.add(keyOf(event.namespace, ref.name));
    if (before && before.uid !== ref?.uid && before.kind === this.kind.kind) this.queue.add(keyOf(event.namespace, before.name));
    // An orphan may be adopted when it appears, is released, or its labels change (addPod/updatePod).
    if (!ref && event.type !== "DELETED" && (event.type === "ADDED" || before || !sameLabels(event.previous, event.object))) {
      this.queue.add(orphanKeyOf(event.namespace, event.object.metadata.name ?? ""));
    }
  }

  private handle(key: Key): void {
    if (key.startsWith("orphan:")) this.wakeMatching(key.slice("orphan:".length));
    else this.sync(key);
  }

  /** getPodReplicaSets: every controller in the orphan's namespace whose selector matches its labels. */
  private wakeMatching(podKey: string): void {
    const [namespace, name] = splitKey(podKey);
    const pod = this.ctx.client.get("/pods", namespace, name);
    if (!pod || controllerOf(pod)) return;
    for (const owner of this.ctx.client.list(this.kind.storageKey, namespace)) {
      if (matchesLabels(this.selectorOrNothing(owner), pod.metadata.labels)) this.queue.add(keyOf(namespace, owner.metadata.name ?? ""));
    }
  }

  private selectorOrNothing(owner: KubeObject): LabelSelector {
    try {
      return this.kind.selectorOf(owner);
    } catch {
      return { requirements: [], matchesNothing: true };
    }
  }

  private sync(key: Key): void {
    const [namespace, name] = splitKey(key);
    const { client } = this.ctx;
    const owner = client.get(this.kind.storageKey, namespace, name);
    if (!owner) {
      this.queue.cancelAfter(key);
      return;
    }
    let selector: LabelSelector;
    try {
      selector = this.kind.selectorOf(owner);
    } catch (err) {
      this.ctx.log(`${this.kind.name} ${key}: error converting pod selector: ${String(err)}`);
      return;
    }
    const pods = client.list("/pods", namespace);
    const { claimed, errors } = claimPods({ client, owner, ownerKey: this.kind.storageKey, selector }, pods.filter(isPodActive));
    if (errors.length > 0) {
      // Upstream returns the error and the queue retries with backoff.
      this.ctx.log(`${this.kind.name} ${key}: ${errors.map((e) => e.message).join("; ")}`);
      this.queue.addAfter(key, 1000);
      return;
    }
    const failure = owner.metadata.deletionTimestamp ? undefined : this.manageReplicas(owner, claimed, pods);
    const written = this.writeStatus(owner, calculateStatus(owner, claimed, failure));
    this.wakeWhenAvailable(key, written, claimed);
  }

  /** manageReplicas: create or delete pods until spec.replicas are active; the error, if any, for the ReplicaFailure condition. */
  private manageReplicas(owner: KubeObject, claimed: KubeObject[], namespacePods: KubeObject[]): { reason: string; message: string } | undefined {
    const diff = claimed.length - specReplicas(owner);
    if (diff < 0) {
      const error = slowStartBatch(Math.min(-diff, burstReplicas), () => this.createPod(owner));
      return error ? { reason: "FailedCreate", message: error } : undefined;
    }
    if (diff > 0) {
      const related = this.relatedPods(owner, namespacePods);
      const doomed = podsToDelete(claimed, related, Math.min(diff, burstReplicas), { minor: this.ctx.service.minor, now: Date.now() });
      let error: string | undefined;
      for (const pod of doomed) error = this.deletePod(owner, pod) ?? error;
      return error ? { reason: "FailedDelete", message: error } : undefined;
    }
    return undefined;
  }

  /** PodControl.CreatePods: one pod from the template; the error text, if creation failed. */
  private createPod(owner: KubeObject): string | undefined {
    const template = ((owner.spec as JsonObject | undefined)?.template as JsonObject | undefined) ?? {};
    const pod = podFromTemplate(template, owner, { generateName: `${owner.metadata.name ?? ""}-` });
    if (Object.keys(pod.metadata.labels ?? {}).length === 0) return "unable to create pods, no labels";
    try {
      const created = this.ctx.client.create("/pods", pod);
      this.ctx.events.record(this.kind.component, owner, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name ?? ""}`);
      return undefined;
    } catch (err) {
      // Creations into a terminating namespace are expected to fail, and say nothing.
      if (isNamespaceTerminating(err)) return undefined;
      const message = err instanceof Error ? err.message : String(err);
      this.ctx.events.record(this.kind.component, owner, "Warning", "FailedCreate", `Error creating: ${message}`);
      return message;
    }
  }

  private deletePod(owner: KubeObject, pod: KubeObject): string | undefined {
    try {
      this.ctx.client.delete("/pods", pod);
      this.ctx.events.record(this.kind.component, owner, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name ?? ""}`);
      return undefined;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      const message = err instanceof Error ? err.message : String(err);
      this.ctx.events.record(this.kind.component, owner, "Warning", "FailedDelete", `Error deleting: ${message}`);
      return `unable to delete pods: ${message}`;
    }
  }

  /** getIndirectlyRelatedPods: pods of every controller of this kind that shares our owner's controller (a Deployment's ReplicaSets). */
  private relatedPods(owner: KubeObject, namespacePods: KubeObject[]): KubeObject[] {
    const parent = controllerOf(owner);
    const siblings = new Set([owner.metadata.uid ?? ""]);
    if (parent) {
      for (const other of this.ctx.client.list(this.kind.storageKey, owner.metadata.namespace ?? "")) {
        if (controllerOf(other)?.uid === parent.uid) siblings.add(other.metadata.uid ?? "");
      }
    }
    return namespacePods.filter((p) => siblings.has(controllerOf(p)?.uid ?? "\0"));
  }

  /** updateReplicaSetStatus: writes only when something changed or the generation is not yet observed. */
  private writeStatus(owner: KubeObject, status: JsonObject): KubeObject {
    const current = (owner.status as JsonObject | undefined) ?? {};
    const fields = ["replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas"];
    const same =
      fields.every((f) => Number(current[f] ?? 0) === Number(status[f] ?? 0)) &&
      Number(current.observedGeneration ?? 0) === Number(owner.metadata.generation ?? 0) &&
      JSON.stringify(current.conditions ?? []) === JSON.stringify(status.conditions ?? []);
    if (same) return owner;
    const generation = owner.metadata.generation;
    const next = { ...status, ...(generation ? { observedGeneration: generation } : {}) };
    return this.ctx.client.updateStatus(this.kind.storageKey, { ...owner, status: orderStatus(next) });
  }

  /**
   * A sync once the next ready pod has been ready for minReadySeconds, so availableReplicas
   * catches up (upstream re-queues after minReadySeconds when a pod turns ready).
   */
  private wakeWhenAvailable(key: Key, owner: KubeObject, claimed: KubeObject[]): void {
    const minReady = Number((owner.spec as JsonObject | undefined)?.minReadySeconds ?? 0);
    const at = Date.now();
    let next = Infinity;
    for (const pod of minReady > 0 ? claimed : []) {
      const readySince = podReadyTime(pod);
      if (readySince !== undefined && !isPodAvailable(pod, minReady, at)) next = Math.min(next, readySince + minReady * 1000);
    }
    if (next < Infinity) this.queue.addAfter(key, next + 100 - Date.now());
    else this.queue.cancelAfter(key);
  }

}

/** spec.replicas; the API defaults it to 1. */
export function specReplicas(obj: KubeObject): number {
  const replicas = (obj.spec as JsonObject | undefined)?.replicas;
  return typeof replicas === "number" ? replicas : 1;
}

/**
 * calculateStatus (replica_set_utils.go): counts over the claimed active pods; a
 * ReplicaFailure condition while creating or deleting fails, removed once it works.
 * Zero counts are left out, as the Go types' omitempty does (replicas always shows).
 */
export function calculateStatus(owner: KubeObject, claimed: KubeObject[], failure?: { reason: string; message: string }): JsonObject {
  const spec = (owner.spec as JsonObject | undefined) ?? {};
  const templateLabels = (((spec.template as JsonObject | undefined)?.metadata as JsonObject | undefined)?.labels ?? {}) as Record<string, string>;
  const minReady = Number(spec.minReadySeconds ?? 0);
  const at = Date.now();
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of claimed) {
    const labels = pod.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, at)) available++;
    }
  }
  const current = (owner.status as JsonObject | undefined) ?? {};
  let conditions = Array.isArray(current.conditions) ? (current.conditions as JsonObject[]) : [];
  const hasFailure = conditions.some((c) => c.type === "ReplicaFailure");
  if (failure && !hasFailure) {
    conditions = [...conditions, { type: "ReplicaFailure", status: "True", lastTransitionTime: now(), reason: failure.reason, message: failure.message }];
  } else if (!failure && hasFailure) {
    conditions = conditions.filter((c) => c.type !== "ReplicaFailure");
  }
  return {
    replicas: claimed.length,
    ...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
    ...(ready ? { readyReplicas: ready } : {}),
    ...(available ? { availableReplicas: available } : {}),
    ...(conditions.length > 0 ? { conditions } : {}),
  };
}

/** Fields in the order the Go type declares them, as a real server's JSON shows them. */
function orderStatus(status: JsonObject): JsonObject {
  const order = ["replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration", "conditions"];
  const out: JsonObject = {};
  for (const k of order) if (status[k] !== undefined) out[k] = status[k]!;
  return out;
}

/**
 * slowStartBatch: runs `fn` in batches of 1, 2, 4, … until `count` calls are made or a batch
 * has a failure (the rest are skipped, the next sync tries again). Returns the first error.
 */
function slowStartBatch(count: number, fn: () => string | undefined): string | undefined {
  let remaining = count;
  for (let batch = 1; remaining > 0; batch *= 2) {
    const size = Math.min(batch, remaining);
    let error: string | undefined;
    for (let i = 0; i < size; i++) {
      const failed = fn();
      error ??= failed;
    }
    if (error) return error;
    remaining -= size;
  }
  return undefined;
}

function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof StatusError && (err.details?.causes ?? []).some((c) => c.reason === "NamespaceTerminating");
}

function sameLabels(a: KubeObject | undefined, b: KubeObject): boolean {
  return JSON.stringify(a?.metadata.labels ?? {}) === JSON.stringify(b.metadata.labels ?? {});
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}
