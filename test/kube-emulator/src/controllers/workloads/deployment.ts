import type { JsonObject, KubeObject } from "../../api-types.js";
import { labelSelectorFromObject, matchesLabels, type LabelSelector, type LabelSelectorObject } from "../../selectors/index.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { WorkQueue } from "../work-queue.js";
import { getCondition, newCondition, readStatus, reasons, setCondition } from "./deployment-conditions.js";
import { activeReplicaSets, desiredReplicasAnnotationOf, hasProgressDeadline, isRecreate, replicasOf, specOf } from "./deployment-replicas.js";
import { rollback, rollbackTo } from "./deployment-rollback.js";
import { rolloutRecreate, rolloutRolling } from "./deployment-rollout.js";
import { DeploymentSync, deploymentsKey, replicaSetsKey } from "./deployment-sync.js";
import { controllerOf } from "./owner-refs.js";
import { claimObjects } from "./pod-claims.js";

type Key = string;
const keyOf = (namespace: string, name: string): Key => `${namespace}/${name}`;

/**
 * The Deployment controller (pkg/controller/deployment): claims the ReplicaSets its
 * selector matches, then per sync either only reports status (being deleted), scales
 * (paused, or spec.replicas changed), rolls back (a legacy rollbackTo), or rolls out with
 * the RollingUpdate or Recreate strategy.
 */
export class DeploymentController implements Controller {
  readonly name = "deployment";
  private readonly queue: WorkQueue<Key>;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(
      (key) => this.handle(key),
      (key, err) => ctx.log(`deployment ${key}: ${String(err)}`),
    );
  }

  start(): void {
    const store = this.ctx.service.store;
    this.unsubscribe = store.subscribe((e) => this.observe(e));
    for (const d of store.list(deploymentsKey).items) this.queue.add(keyOf(d.metadata.namespace ?? "", d.metadata.name ?? ""));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey === deploymentsKey) {
      this.queue.add(keyOf(event.namespace, event.object.metadata.name ?? ""));
    } else if (event.storageKey === replicaSetsKey) {
      const ref = controllerOf(event.object);
      const before = event.previous ? controllerOf(event.previous) : undefined;
      if (ref?.kind === "Deployment") this.queue.add(keyOf(event.namespace, ref.name));
      if (before && before.uid !== ref?.uid && before.kind === "Deployment") this.queue.add(keyOf(event.namespace, before.name));
      const labelsChanged = JSON.stringify(event.previous?.metadata.labels ?? {}) !== JSON.stringify(event.object.metadata.labels ?? {});
      if (!ref && event.type !== "DELETED" && (event.type === "ADDED" || before || labelsChanged)) {
        this.queue.add(`orphan:${keyOf(event.namespace, event.object.metadata.name ?? "")}`);
      }
    } else if (event.storageKey === "/pods" && event.type === "DELETED") {
      // A Recreate rollout waits for the old pods to be gone (deletePod).
      const ref = controllerOf(event.object);
      if (ref?.kind === "ReplicaSet") this.queue.add(`pod-gone:${keyOf(event.namespace, ref.name)}`);
    }
  }

  private handle(key: Key): void {
    if (key.startsWith("orphan:")) this.wakeForOrphan(key.slice("orphan:".length));
    else if (key.startsWith("pod-gone:")) this.wakeForPodGone(key.slice("pod-gone:".length));
    else this.syncOrRetry(key);
  }

  /** getDeploymentsForReplicaSet: an orphan ReplicaSet wakes every Deployment in its namespace that selects it. */
  private wakeForOrphan(rsKey: string): void {
    const [namespace, name] = splitKey(rsKey);
    const rs = this.ctx.client.get(replicaSetsKey, namespace, name);
    if (!rs || controllerOf(rs)) return;
    for (const d of this.ctx.client.list(deploymentsKey, namespace)) {
      const selector = selectorOf(d);
      if (selector && !isEverything(d) && matchesLabels(selector, rs.metadata.labels)) this.queue.add(keyOf(namespace, d.metadata.name ?? ""));
    }
  }

  private wakeForPodGone(rsKey: string): void {
    const [namespace, name] = splitKey(rsKey);
    const rs = this.ctx.client.get(replicaSetsKey, namespace, name);
    const ref = rs ? controllerOf(rs) : undefined;
    if (ref?.kind !== "Deployment") return;
    const d = this.ctx.client.get(deploymentsKey, namespace, ref.name);
    if (d && isRecreate(d)) this.queue.add(keyOf(namespace, ref.name));
  }

  private syncOrRetry(key: Key): void {
    try {
      const recheckAt = this.sync(key);
      if (recheckAt !== undefined) this.queue.addAfter(key, recheckAt - Date.now());
      else this.queue.cancelAfter(key);
    } catch (err) {
      // Upstream re-queues with backoff; one retry a second is enough here.
      this.ctx.log(`deployment ${key}: ${err instanceof Error ? err.message : String(err)}`);
      this.queue.addAfter(key, 1000);
    }
  }

  /** syncDeployment; returns when to look at the Deployment again, if a deadline is pending. */
  private sync(key: Key): number | undefined {
    const [namespace, name] = splitKey(key);
    const d = this.ctx.client.get(deploymentsKey, namespace, name);
    if (!d) {
      this.queue.cancelAfter(key);
      return undefined;
    }
    const sync = new DeploymentSync(this.ctx, d);
    if (isEverything(d)) {
      sync.event("Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
      const status = readStatus(d);
      if ((status.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) sync.writeStatus({ ...status, observedGeneration: d.metadata.generation });
      return undefined;
    }
    const selector = selectorOf(d);
    if (!selector) return undefined;
    const rsList = this.claimReplicaSets(d, selector);
    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = sync.replicaSets(rsList, false);
      sync.syncStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS);
      return undefined;
    }
    checkPausedConditions(sync);
    const paused = specOf(sync.d).paused === true;
    if (paused) {
      scaleOnly(sync, rsList, true);
    } else if (rollbackTo(sync.d) !== undefined) {
      rollback(sync, rsList);
    } else if (isScalingEvent(sync, rsList)) {
      scaleOnly(sync, rsList, false);
    } else if (isRecreate(sync.d)) {
      rolloutRecreate(sync, rsList, () => this.ctx.client.list("/pods", namespace));
    } else {
      rolloutRolling(sync, rsList);
    }
    return sync.recheckAt;
  }

  /** getReplicaSetsForDeployment: the ReplicaSets of the namespace, claimed through the ControllerRefManager. */
  private claimReplicaSets(d: KubeObject, selector: LabelSelector): KubeObject[] {
    const { client } = this.ctx;
    const candidates = client.list(replicaSetsKey, d.metadata.namespace ?? "");
    const { claimed, errors } = claimObjects({ client, owner: d, ownerKey: deploymentsKey, storageKey: replicaSetsKey, selector }, candidates);
    if (errors.length > 0) throw new Error(errors.map((e) => e.message).join("; "));
    return claimed;
  }

}

/**
 * sync (sync.go), for a paused Deployment or a scaling event: scale the existing
 * ReplicaSets and report status, never creating a new ReplicaSet; a paused one also trims
 * its history.
 */
function scaleOnly(sync: DeploymentSync, rsList: KubeObject[], paused: boolean): void {
  const { newRS, oldRSs } = sync.replicaSets(rsList, false);
  sync.scale(newRS, oldRSs);
  if (paused && rollbackTo(sync.d) === undefined) sync.cleanup(oldRSs);
  sync.syncStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS);
}

/** isScalingEvent: an active ReplicaSet's desired-replicas annotation disagrees with spec.replicas. */
function isScalingEvent(sync: DeploymentSync, rsList: KubeObject[]): boolean {
  const { newRS, oldRSs } = sync.replicaSets(rsList, false);
  return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasAnnotationOf(rs);
    return desired !== undefined && desired !== replicasOf(sync.d);
  });
}

/**
 * checkPausedConditions: pausing and resuming set Progressing to Unknown, so the time
 * spent paused never counts toward the progress deadline.
 */
function checkPausedConditions(sync: DeploymentSync): void {
  const d = sync.d;
  if (!hasProgressDeadline(d)) return;
  const status = readStatus(d);
  const cond = getCondition(status, "Progressing");
  if (cond?.reason === reasons.timedOut) return;
  const pausedCondition = cond?.reason === reasons.paused;
  const paused = specOf(d).paused === true;
  if (paused && !pausedCondition) {
    setCondition(status, newCondition("Progressing", "Unknown", reasons.paused, "Deployment is paused"));
  } else if (!paused && pausedCondition) {
    setCondition(status, newCondition("Progressing", "Unknown", reasons.resumed, "Deployment is resumed"));
  } else {
    return;
  }
  sync.writeStatus(status);
}

function selectorOf(d: KubeObject): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(specOf(d).selector as LabelSelectorObject | undefined);
  } catch {
    return undefined;
  }
}

/** A selector with neither matchLabels nor matchExpressions, which would select every pod. */
function isEverything(d: KubeObject): boolean {
  const selector = specOf(d).selector as JsonObject | undefined;
  if (!selector || typeof selector !== "object") return false;
  const labels = selector.matchLabels as JsonObject | undefined;
  const exprs = selector.matchExpressions as unknown[] | undefined;
  return Object.keys(labels ?? {}).length === 0 && (exprs ?? []).length === 0;
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}
