import type { JsonObject, KubeObject } from "../../api-types.js";
import { StatusError } from "../../http/status-error.js";
import type { ControllerContext } from "../controller.js";
import type { EventType } from "../events.js";
import { setDeploymentRevision, setNewReplicaSetAnnotations, setReplicasAnnotations, replicasAnnotationsNeedUpdate } from "./deployment-annotations.js";
import { getCondition, newCondition, readStatus, reasons, setCondition, toJson, type DeploymentStatus } from "./deployment-conditions.js";
import {
  activeReplicaSets,
  byCreation,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  newRSNewReplicas,
  proportion,
  replicaCount,
  replicasOf,
  revisionAnnotation,
  revisionHistoryLimit,
  specOf,
  statusCount,
} from "./deployment-replicas.js";
import { calculateStatus, rolloutStatus } from "./deployment-status.js";
import { controllerOf, controllerRef } from "./owner-refs.js";
import { computePodTemplateHash, equalIgnoreHash, podTemplateHashLabel } from "./pod-template-hash.js";

export const deploymentsKey = "apps/deployments";
export const replicaSetsKey = "apps/replicasets";
const component = "deployment-controller";

/** The new ReplicaSet (whose template is the Deployment's), if any, and all the others. */
export interface ReplicaSetsOf {
  newRS?: KubeObject;
  oldRSs: KubeObject[];
}

/**
 * One sync of one Deployment (pkg/controller/deployment/sync.go): the Deployment as last
 * written, and the steps the rollout strategies share — finding or creating the new
 * ReplicaSet and keeping revisions, scaling ReplicaSets with their Events, proportional
 * scaling, history cleanup and status writes. Every write goes through the API and the
 * Deployment is re-read from its answer, so later steps see what earlier ones wrote.
 */
export class DeploymentSync {
  /** When this Deployment should be synced again to notice a missed progress deadline. */
  recheckAt?: number;

  constructor(
    private readonly ctx: ControllerContext,
    public d: KubeObject,
  ) {}

  get name(): string {
    return this.d.metadata.name ?? "";
  }

  event(type: EventType, reason: string, message: string): void {
    this.ctx.events.record(component, this.d, type, reason, message);
  }

  /** UpdateStatus; annotations travel with it, as the status strategy lets them. */
  writeStatus(status: DeploymentStatus, annotations = this.d.metadata.annotations): void {
    const metadata = { ...this.d.metadata };
    if (annotations && Object.keys(annotations).length > 0) metadata.annotations = annotations;
    else delete metadata.annotations;
    this.d = this.ctx.client.updateStatus(deploymentsKey, { ...this.d, metadata, status: toJson(status) });
  }

  /** Update of the Deployment itself (rollback). */
  writeDeployment(next: KubeObject): void {
    this.d = this.ctx.client.update(deploymentsKey, next);
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new ReplicaSet, created when asked and missing,
   * with its revision raised above the old ones, and the Deployment's revision following it.
   */
  replicaSets(rsList: KubeObject[], createIfMissing: boolean): ReplicaSetsOf {
    const current = rsList.map((rs) => this.fresh(rs)).filter((rs): rs is KubeObject => rs !== undefined);
    const existing = findNewReplicaSet(this.d, current);
    const oldRSs = current.filter((rs) => rs.metadata.uid !== existing?.metadata.uid);
    return { newRS: this.newReplicaSet(existing, oldRSs, createIfMissing), oldRSs };
  }

  private newReplicaSet(existing: KubeObject | undefined, oldRSs: KubeObject[], createIfMissing: boolean): KubeObject | undefined {
    const newRevision = maxRevision(oldRSs) + 1;
    const replicas = { desired: replicasOf(this.d), max: replicasOf(this.d) + maxSurge(this.d) };
    const minReady = Number(specOf(this.d).minReadySeconds ?? 0);
    if (existing) {
      const annotations = { ...(existing.metadata.annotations ?? {}) };
      const annotationsChanged = setNewReplicaSetAnnotations(this.d, annotations, newRevision, true, replicas);
      if (annotationsChanged || Number(specOf(existing).minReadySeconds ?? 0) !== minReady) {
        const spec = { ...specOf(existing) };
        if (minReady) spec.minReadySeconds = minReady;
        else delete spec.minReadySeconds;
        return this.ctx.client.update(replicaSetsKey, { ...existing, metadata: { ...existing.metadata, annotations }, spec });
      }
      const dAnnotations = { ...(this.d.metadata.annotations ?? {}) };
      let needsUpdate = setDeploymentRevision(dAnnotations, annotations[revisionAnnotation] ?? "");
      const status = readStatus(this.d);
      if (hasProgressDeadline(this.d) && !getCondition(status, "Progressing")) {
        setCondition(status, newCondition("Progressing", "True", reasons.foundNewRS, `Found new replica set "${existing.metadata.name ?? ""}"`));
        needsUpdate = true;
      }
      if (needsUpdate) this.writeStatus(status, dAnnotations);
      return existing;
    }
    if (!createIfMissing) return undefined;
    return this.createReplicaSet(oldRSs, newRevision, replicas, minReady);
  }

  private createReplicaSet(oldRSs: KubeObject[], newRevision: number, replicas: { desired: number; max: number }, minReady: number): KubeObject {
    const dSpec = specOf(this.d);
    const status = readStatus(this.d);
    const hash = computePodTemplateHash(dSpec.template ?? {}, status.collisionCount);
    const template = structuredClone((dSpec.template as JsonObject | undefined) ?? {});
    const templateMeta = (template.metadata as JsonObject | undefined) ?? {};
    const labels = { ...((templateMeta.labels as Record<string, string> | undefined) ?? {}), [podTemplateHashLabel]: hash };
    template.metadata = { ...templateMeta, labels };
    const name = `${this.name}-${hash}`;
    const rs: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name, namespace: this.d.metadata.namespace ?? "", labels: { ...labels }, ownerReferences: [controllerRef(this.d)] },
      spec: {
        replicas: 0,
        ...(minReady ? { minReadySeconds: minReady } : {}),
        selector: selectorWithHash(dSpec.selector as JsonObject | undefined, hash),
        template,
      },
    };
    const count = newRSNewReplicas(this.d, [...oldRSs, rs], rs);
    (rs.spec as JsonObject).replicas = count;
    const annotations: Record<string, string> = {};
    setNewReplicaSetAnnotations(this.d, annotations, newRevision, false, replicas);
    rs.metadata.annotations = annotations;
    let created: KubeObject;
    let alreadyExisted = false;
    try {
      created = this.ctx.client.create(replicaSetsKey, rs);
    } catch (err) {
      if (err instanceof StatusError && err.reason === "AlreadyExists") {
        const found = this.ctx.client.get(replicaSetsKey, this.d.metadata.namespace ?? "", name);
        if (!found || controllerOf(found)?.uid !== this.d.metadata.uid || !equalIgnoreHash(dSpec.template, specOf(found).template)) {
          // A hash collision: another template owns the name; a new collisionCount gives a new hash next sync.
          this.writeStatus({ ...status, collisionCount: (status.collisionCount ?? 0) + 1 });
          throw err;
        }
        created = found;
        alreadyExisted = true;
      } else if (err instanceof StatusError && (err.details?.causes ?? []).some((c) => c.reason === "NamespaceTerminating")) {
        throw err;
      } else {
        const message = `Failed to create new replica set "${name}": ${err instanceof Error ? err.message : String(err)}`;
        if (hasProgressDeadline(this.d)) {
          setCondition(status, newCondition("Progressing", "False", reasons.failedRSCreate, message));
          this.writeStatus(status);
        }
        this.event("Warning", reasons.failedRSCreate, message);
        throw err;
      }
    }
    if (!alreadyExisted && count > 0) this.event("Normal", "ScalingReplicaSet", this.newReplicaSetMessage(name, count));
    const dAnnotations = { ...(this.d.metadata.annotations ?? {}) };
    let needsUpdate = setDeploymentRevision(dAnnotations, String(newRevision));
    const next = readStatus(this.d);
    if (!alreadyExisted && hasProgressDeadline(this.d)) {
      setCondition(next, newCondition("Progressing", "True", reasons.newReplicaSet, `Created new replica set "${name}"`));
      needsUpdate = true;
    }
    if (needsUpdate) this.writeStatus(next, dAnnotations);
    return created;
  }

  /**
   * scale: on a scaling event or while paused. One active ReplicaSet takes the full count;
   * a saturated new ReplicaSet leaves the old ones none; otherwise a rolling Deployment
   * spreads the change over its active ReplicaSets in proportion to their sizes.
   */
  scale(newRS: KubeObject | undefined, oldRSs: KubeObject[]): void {
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (replicasOf(activeOrLatest) !== replicasOf(this.d)) this.scaleAndRecord(activeOrLatest, replicasOf(this.d));
      return;
    }
    if (isSaturated(this.d, newRS)) {
      for (const old of activeReplicaSets(oldRSs)) this.scaleAndRecord(old, 0);
      return;
    }
    if (!isRollingUpdate(this.d)) return;
    const all = activeReplicaSets([...oldRSs, newRS]);
    const allowed = replicasOf(this.d) > 0 ? replicasOf(this.d) + maxSurge(this.d) : 0;
    const toAdd = allowed - replicaCount(all);
    let operation = "";
    if (toAdd > 0) {
      all.sort(bySizeNewer);
      operation = "up";
    } else if (toAdd < 0) {
      all.sort(bySizeOlder);
      operation = "down";
    }
    let added = 0;
    const sizes = all.map((rs) => {
      if (toAdd === 0) return replicasOf(rs);
      const p = proportion(rs, this.d, toAdd, added);
      added += p;
      return replicasOf(rs) + p;
    });
    // Leftovers go to the largest ReplicaSet.
    if (toAdd !== 0 && all.length > 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
    all.forEach((rs, i) => this.scaleReplicaSet(rs, sizes[i]!, operation));
  }

  /** scaleReplicaSetAndRecordEvent: scales when the size differs; the ReplicaSet as it is now. */
  scaleAndRecord(rs: KubeObject, newScale: number): { scaled: boolean; rs: KubeObject } {
    if (replicasOf(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, replicasOf(rs) < newScale ? "up" : "down");
  }

  /**
   * The ReplicaSet as stored now: an earlier step of this sync may have written it (upstream
   * would hit a conflict on its stale cache copy and retry), and one deleted since is gone.
   */
  private fresh(rs: KubeObject): KubeObject | undefined {
    const now = this.ctx.client.get(replicaSetsKey, rs.metadata.namespace ?? "", rs.metadata.name ?? "");
    return now?.metadata.uid === rs.metadata.uid ? now : undefined;
  }

  /** scaleReplicaSet: new size and desired/max-replicas annotations, and a ScalingReplicaSet Event when the size changed. */
  scaleReplicaSet(rs: KubeObject, newScale: number, operation: string): { scaled: boolean; rs: KubeObject } {
    const desired = replicasOf(this.d);
    const max = desired + maxSurge(this.d);
    const sizeChanges = replicasOf(rs) !== newScale;
    if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const oldScale = replicasOf(rs);
    const current = this.fresh(rs) ?? rs;
    const annotations = { ...(current.metadata.annotations ?? {}) };
    setReplicasAnnotations(annotations, desired, max);
    const updated = this.ctx.client.update(replicaSetsKey, { ...current, metadata: { ...current.metadata, annotations }, spec: { ...specOf(current), replicas: newScale } });
    if (sizeChanges) this.event("Normal", "ScalingReplicaSet", this.scaledMessage(operation, updated.metadata.name ?? "", oldScale, newScale));
    return { scaled: sizeChanges, rs: updated };
  }

  /**
   * The ScalingReplicaSet wording of the persona's release: the old size joined the message
   * in 1.26 (kubernetes#101142) and moved before the new one in 1.31 (kubernetes#125118).
   */
  private scaledMessage(operation: string, name: string, from: number, to: number): string {
    const minor = this.ctx.service.minor;
    if (minor >= 31) return `Scaled ${operation} replica set ${name} from ${from} to ${to}`;
    if (minor >= 26) return `Scaled ${operation} replica set ${name} to ${to} from ${from}`;
    return `Scaled ${operation} replica set ${name} to ${to}`;
  }

  private newReplicaSetMessage(name: string, count: number): string {
    return this.ctx.service.minor >= 31 ? `Scaled up replica set ${name} from 0 to ${count}` : `Scaled up replica set ${name} to ${count}`;
  }

  /**
   * cleanupDeployment: keeps revisionHistoryLimit old ReplicaSets, deleting the oldest
   * revisions beyond it, but only those scaled to zero, with no pods, fully observed.
   */
  cleanup(oldRSs: KubeObject[]): void {
    if (!hasRevisionHistoryLimit(this.d)) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
    const diff = cleanable.length - revisionHistoryLimit(this.d);
    for (const rs of cleanable.slice(0, Math.max(0, diff))) {
      const observed = statusCount(rs, "observedGeneration");
      if (statusCount(rs, "replicas") !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > observed) continue;
      try {
        this.ctx.client.delete(replicaSetsKey, rs);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
  }

  /** syncDeploymentStatus: calculateStatus, written when it differs. */
  syncStatus(allRSs: KubeObject[], newRS: KubeObject | undefined): void {
    this.writeIfChanged(calculateStatus(allRSs, newRS, this.d));
  }

  /** syncRolloutStatus: the status with the Progressing condition, written when it differs. */
  syncRolloutStatus(allRSs: KubeObject[], newRS: KubeObject | undefined): void {
    const { status, recheckAt } = rolloutStatus(allRSs, newRS, this.d);
    this.recheckAt = recheckAt;
    this.writeIfChanged(status);
  }

  private writeIfChanged(status: DeploymentStatus): void {
    if (JSON.stringify(toJson(status)) !== JSON.stringify(toJson(readStatus(this.d)))) this.writeStatus(status);
  }
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's, the hash label aside. */
export function findNewReplicaSet(d: KubeObject, rsList: KubeObject[]): KubeObject | undefined {
  const template = specOf(d).template;
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(specOf(rs).template, template));
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active; none when several are. */
function findActiveOrLatest(newRS: KubeObject | undefined, oldRSs: KubeObject[]): KubeObject | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** CloneSelectorAndAddLabel. */
function selectorWithHash(selector: JsonObject | undefined, hash: string): JsonObject {
  const out: JsonObject = { matchLabels: { ...((selector?.matchLabels as Record<string, string> | undefined) ?? {}), [podTemplateHashLabel]: hash } };
  if (Array.isArray(selector?.matchExpressions)) out.matchExpressions = structuredClone(selector.matchExpressions);
  return out;
}

