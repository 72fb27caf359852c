import type { JsonObject, KubeObject } from "../../api-types.js";
import { StatusError } from "../../http/status-error.js";
import { labelSelectorFromObject, type LabelSelectorObject } from "../../selectors/index.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { WorkQueue } from "../work-queue.js";
import {
  claimRevisions,
  controllerRevisionHashLabel,
  revisionDataHash,
  revisionHashLabel,
  syncUpdateRevision,
  templatePatch,
  truncateHistory,
} from "./controller-revision.js";
import { controllerOf } from "./owner-refs.js";
import { claimPods } from "./pod-claims.js";
import { isPodAvailable, isPodReady, podPhase } from "./pod-status.js";
import {
  claimOwnerRefs,
  claimTemplates,
  identityMatches,
  isMemberOf,
  newClaim,
  newStatefulSetPod,
  parentAndOrdinal,
  storageMatches,
  updateIdentity,
  updateStorage,
} from "./stateful-set-pods.js";

const setsKey = "apps/statefulsets";
const podsKey = "/pods";
const claimsKey = "/persistentvolumeclaims";
const component = "statefulset-controller";

const isTerminating = (pod: KubeObject): boolean => !!pod.metadata.deletionTimestamp;
const isRunningAndReady = (pod: KubeObject): boolean => podPhase(pod) === "Running" && isPodReady(pod);
const isHealthy = (pod: KubeObject): boolean => isRunningAndReady(pod) && !isTerminating(pod);
const revisionOf = (pod: KubeObject): string => pod.metadata.labels?.[controllerRevisionHashLabel] ?? "";
const ordinalOf = (pod: KubeObject): number => parentAndOrdinal(pod.metadata.name ?? "").ordinal;

/** The pod template a revision recorded (ApplyRevision). */
function templateOf(revision: KubeObject): JsonObject {
  const template = (((revision.data as JsonObject | undefined)?.spec as JsonObject | undefined)?.template as JsonObject | undefined) ?? {};
  const { $patch: _replace, ...rest } = template;
  return rest;
}

/**
 * The StatefulSet controller (pkg/controller/statefulset): pods `<set>-<ordinal>` with their
 * claims, created in order under OrderedReady (the next only once the previous is Running
 * and Ready) or all at once under Parallel, removed from the highest ordinal down, rolled to
 * a new template revision from the highest ordinal down, and a status kubectl's rollout
 * status reads.
 */
export class StatefulSetController implements Controller {
  readonly name = "statefulset";
  private readonly queue: WorkQueue<string>;
  /** namespace -> names of the sets in it, to find the set of an orphan pod or a deleted claim. */
  private readonly setsByNamespace = new Map<string, Set<string>>();
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((key) => this.sync(key), (key, err) => ctx.log(`statefulset ${key}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const set of store.list(setsKey).items) this.index(set, false);
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey === setsKey) {
      this.index(event.object, event.type === "DELETED");
    } else if (event.storageKey === podsKey) {
      const owner = controllerOf(event.object) ?? (event.previous ? controllerOf(event.previous) : undefined);
      if (owner) {
        if (owner.kind === "StatefulSet") this.queue.add(`${event.namespace}/${owner.name}`);
      } else {
        // An orphan named like a set's pod may be adopted.
        const { parent } = parentAndOrdinal(event.object.metadata.name ?? "");
        if (parent && this.setsByNamespace.get(event.namespace)?.has(parent)) this.queue.add(`${event.namespace}/${parent}`);
      }
    } else if (event.storageKey === claimsKey && event.type === "DELETED") {
      for (const name of this.setsByNamespace.get(event.namespace) ?? []) this.queue.add(`${event.namespace}/${name}`);
    }
  }

  private index(set: KubeObject, deleted: boolean): void {
    const ns = set.metadata.namespace ?? "";
    const name = set.metadata.name ?? "";
    let names = this.setsByNamespace.get(ns);
    if (deleted) {
      names?.delete(name);
      if (names?.size === 0) this.setsByNamespace.delete(ns);
    } else {
      if (!names) this.setsByNamespace.set(ns, (names = new Set()));
      names.add(name);
    }
    this.queue.add(`${ns}/${name}`);
  }

  private sync(key: string): void {
    const [namespace, name] = key.split("/") as [string, string];
    const { client } = this.ctx;
    const set = client.get(setsKey, namespace, name);
    if (!set) return;
    const spec = (set.spec as JsonObject | undefined) ?? {};
    const selector = spec.selector as LabelSelectorObject | undefined;
    const claim = claimPods(
      { client, owner: set, ownerKey: setsKey, selector: labelSelectorFromObject(selector), filter: (p) => isMemberOf(set, p) },
      client.list(podsKey, namespace),
    );
    for (const err of claim.errors) this.ctx.log(`statefulset ${key}: ${err.message}`);
    const pods = claim.claimed;

    const revisions = claimRevisions(client, set, setsKey, selector);
    const status = (set.status as JsonObject | undefined) ?? {};
    const collisionCount = typeof status.collisionCount === "number" ? status.collisionCount : 0;
    const history = syncUpdateRevision(client, set, revisions, templatePatch(spec.template as JsonObject | undefined), {
      hash: (data, count) => revisionDataHash(data, count),
      labels: (hash) => ({ ...((((spec.template as JsonObject | undefined)?.metadata as JsonObject | undefined)?.labels as Record<string, string> | undefined) ?? {}), [revisionHashLabel]: hash }),
    }, collisionCount);
    const update = history.update;
    const current = history.revisions.find((r) => r.metadata.name === status.currentRevision) ?? update;

    const next = set.metadata.deletionTimestamp ? this.countPods(set, pods, current, update) : this.updatePods(set, pods, current, update);
    this.writeStatus(set, next, history.collisionCount ?? 0);

    const live = new Set([current.metadata.name ?? "", update.metadata.name ?? "", ...pods.map(revisionOf)]);
    truncateHistory(client, history.revisions, live, typeof spec.revisionHistoryLimit === "number" ? spec.revisionHistoryLimit : 10);
  }

  /** updateStatefulSet: one step of the set's pods towards the spec, and the status it leaves. */
  private updatePods(set: KubeObject, pods: KubeObject[], current: KubeObject, update: KubeObject): JsonObject {
    const minor = this.ctx.service.minor;
    const spec = (set.spec as JsonObject | undefined) ?? {};
    const replicaCount = typeof spec.replicas === "number" ? spec.replicas : 1;
    const monotonic = spec.podManagementPolicy !== "Parallel";
    const minReadySeconds = minor >= 22 && typeof spec.minReadySeconds === "number" ? spec.minReadySeconds : 0;
    const partition = Number(((spec.updateStrategy as JsonObject | undefined)?.rollingUpdate as JsonObject | undefined)?.partition ?? 0);
    const status = this.countPods(set, pods, current, update);
    const counted = (pod: KubeObject, delta: number): void => {
      status.replicas = Number(status.replicas) + delta;
      if (revisionOf(pod) === current.metadata.name) status.currentReplicas = Number(status.currentReplicas) + delta;
      if (revisionOf(pod) === update.metadata.name) status.updatedReplicas = Number(status.updatedReplicas) + delta;
    };

    const replicas: Array<KubeObject | undefined> = new Array(replicaCount).fill(undefined);
    const condemned: KubeObject[] = [];
    for (const pod of pods) {
      const ord = ordinalOf(pod);
      if (ord >= 0 && ord < replicaCount) replicas[ord] = pod;
      else if (ord >= replicaCount) condemned.push(pod);
    }
    condemned.sort((a, b) => ordinalOf(a) - ordinalOf(b));
    const firstUnhealthy = [...replicas, ...condemned].find((p) => p && !isHealthy(p));

    if (minor >= 27) this.applyRetentionPolicy(set, replicas, condemned);

    for (let ord = 0; ord < replicaCount; ord++) {
      let pod = replicas[ord];
      // A failed pod (from 1.27 also a succeeded one) is replaced by a fresh one of the same name.
      const finished = pod && (podPhase(pod) === "Failed" || (minor >= 27 && podPhase(pod) === "Succeeded"));
      if (pod && finished && !isTerminating(pod)) {
        this.deletePod(set, pod);
        counted(pod, -1);
        pod = undefined;
      }
      if (!pod) {
        const revision = ord < partition ? current : update;
        const created = this.createPod(set, newStatefulSetPod(set, templateOf(revision), revision.metadata.name ?? "", ord, minor), ord);
        if (!created) return status;
        counted(created, 1);
        replicas[ord] = created;
        if (monotonic) return status;
        continue;
      }
      if (isTerminating(pod) && monotonic) return status;
      if (!isRunningAndReady(pod) && monotonic) return status;
      if (minReadySeconds > 0 && monotonic && !isPodAvailable(pod, minReadySeconds)) {
        this.queue.addAfter(`${set.metadata.namespace}/${set.metadata.name}`, this.untilAvailable(pod, minReadySeconds));
        return status;
      }
      if (!identityMatches(set, pod, minor) || !storageMatches(set, pod)) this.fixPod(set, pod);
    }

    // Scale down from the highest ordinal, one at a time under OrderedReady.
    for (let i = condemned.length - 1; i >= 0; i--) {
      const pod = condemned[i]!;
      if (isTerminating(pod)) {
        if (monotonic) return status;
        continue;
      }
      if (!isRunningAndReady(pod) && monotonic && pod !== firstUnhealthy) return status;
      this.deletePod(set, pod);
      if (monotonic) return status;
    }

    const strategy = (spec.updateStrategy as JsonObject | undefined)?.type ?? "RollingUpdate";
    if (strategy === "OnDelete") return status;
    // Roll the newest ordinal not at the update revision first, and wait for health in between.
    for (let ord = replicas.length - 1; ord >= partition; ord--) {
      const pod = replicas[ord]!;
      if (revisionOf(pod) !== update.metadata.name && !isTerminating(pod)) {
        this.deletePod(set, pod);
        return status;
      }
      if (!isHealthy(pod)) return status;
    }
    return status;
  }

  /** The status counts of the pods as they are (the start of updateStatefulSet's bookkeeping). */
  private countPods(set: KubeObject, pods: KubeObject[], current: KubeObject, update: KubeObject): JsonObject {
    const minor = this.ctx.service.minor;
    const spec = (set.spec as JsonObject | undefined) ?? {};
    const minReadySeconds = minor >= 22 && typeof spec.minReadySeconds === "number" ? spec.minReadySeconds : 0;
    let replicas = 0, ready = 0, available = 0, currentReplicas = 0, updated = 0;
    for (const pod of pods) {
      replicas++;
      if (isRunningAndReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReadySeconds)) available++;
        else if (minReadySeconds > 0) this.queue.addAfter(`${set.metadata.namespace}/${set.metadata.name}`, this.untilAvailable(pod, minReadySeconds));
      }
      if (!isTerminating(pod)) {
        if (revisionOf(pod) === current.metadata.name) currentReplicas++;
        if (revisionOf(pod) === update.metadata.name) updated++;
      }
    }
    const status: JsonObject = {
      replicas,
      readyReplicas: ready,
      currentReplicas,
      updatedReplicas: updated,
      currentRevision: current.metadata.name ?? "",
      updateRevision: update.metadata.name ?? "",
    };
    if (minor >= 22) status.availableReplicas = available;
    return status;
  }

  private untilAvailable(pod: KubeObject, minReadySeconds: number): number {
    const conditions = ((pod.status as JsonObject | undefined)?.conditions as JsonObject[] | undefined) ?? [];
    const since = Date.parse(String(conditions.find((c) => c.type === "Ready")?.lastTransitionTime ?? ""));
    return Number.isFinite(since) ? since + minReadySeconds * 1000 - Date.now() + 50 : minReadySeconds * 1000;
  }

  private writeStatus(set: KubeObject, counts: JsonObject, collisionCount: number): void {
    const spec = (set.spec as JsonObject | undefined) ?? {};
    const status: JsonObject = { ...counts, observedGeneration: set.metadata.generation ?? 0, collisionCount };
    // completeRollingUpdate: once every pod is updated and ready, the update revision becomes current.
    const strategy = (spec.updateStrategy as JsonObject | undefined)?.type ?? "RollingUpdate";
    if (strategy === "RollingUpdate" && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
      status.currentReplicas = status.updatedReplicas ?? 0;
      status.currentRevision = status.updateRevision ?? "";
    }
    // Zero counts are omitted (omitempty), except replicas and, from 1.22, availableReplicas.
    for (const field of ["readyReplicas", "currentReplicas", "updatedReplicas", "observedGeneration"]) if (status[field] === 0) delete status[field];
    const latest = this.ctx.client.get(setsKey, set.metadata.namespace ?? "", set.metadata.name ?? "");
    if (!latest || latest.metadata.uid !== set.metadata.uid) return;
    const before = (latest.status as JsonObject | undefined) ?? {};
    const merged = { ...before, ...status };
    for (const field of ["readyReplicas", "currentReplicas", "updatedReplicas"]) if (!(field in status)) delete merged[field];
    if (JSON.stringify(merged) === JSON.stringify(before)) return;
    this.ctx.client.updateStatus(setsKey, { ...latest, status: merged });
  }

  /** createPersistentVolumeClaims then the pod; false (with a FailedCreate event) when either fails. */
  private createPod(set: KubeObject, pod: KubeObject, ordinal: number): KubeObject | undefined {
    const { client, events } = this.ctx;
    const minor = this.ctx.service.minor;
    for (const template of claimTemplates(set)) {
      const claim = newClaim(set, template, ordinal);
      const existing = client.get(claimsKey, claim.metadata.namespace ?? "", claim.metadata.name ?? "");
      if (existing) {
        if (existing.metadata.deletionTimestamp) {
          // The claim must go before its pod can come back with a fresh one.
          events.record(component, set, "Warning", "FailedCreate", `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: pvc ${claim.metadata.name} is being deleted`);
          return undefined;
        }
        continue;
      }
      if (minor >= 27) {
        const refs = claimOwnerRefs(claim, set, undefined, false);
        if (refs.length > 0) claim.metadata.ownerReferences = refs;
      }
      try {
        client.create(claimsKey, claim);
        events.record(component, set, "Normal", "SuccessfulCreate", `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
      } catch (err) {
        if (err instanceof StatusError && err.code === 409) continue;
        events.record(component, set, "Warning", "FailedCreate", `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorText(err)}`);
        return undefined;
      }
    }
    try {
      const created = client.create(podsKey, pod);
      events.record(component, set, "Normal", "SuccessfulCreate", `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
      return created;
    } catch (err) {
      // A pod of that name still being deleted: its deletion requeues us.
      if (err instanceof StatusError && err.code === 409) return undefined;
      events.record(component, set, "Warning", "FailedCreate", `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorText(err)}`);
      return undefined;
    }
  }

  private deletePod(set: KubeObject, pod: KubeObject): void {
    const { client, events } = this.ctx;
    try {
      client.delete(podsKey, pod, { preconditions: { uid: pod.metadata.uid } });
      events.record(component, set, "Normal", "SuccessfulDelete", `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (err) {
      if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return;
      events.record(component, set, "Warning", "FailedDelete", `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorText(err)}`);
    }
  }

  /** updateStatefulPod: restore a pod's identity labels and make sure its claims exist. */
  private fixPod(set: KubeObject, pod: KubeObject): void {
    const { client, events } = this.ctx;
    const ordinal = ordinalOf(pod);
    for (const template of claimTemplates(set)) {
      const claim = newClaim(set, template, ordinal);
      if (!client.get(claimsKey, claim.metadata.namespace ?? "", claim.metadata.name ?? "")) {
        try {
          client.create(claimsKey, claim);
          events.record(component, set, "Normal", "SuccessfulCreate", `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
        } catch {
          // Retried on the next sync.
        }
      }
    }
    const fixed = updateStorage(set, updateIdentity(set, pod, this.ctx.service.minor));
    try {
      client.update(podsKey, fixed);
      events.record(component, set, "Normal", "SuccessfulUpdate", `update Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (err) {
      events.record(component, set, "Warning", "FailedUpdate", `update Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorText(err)}`);
    }
  }

  /** 1.27+: claims carry the owner references persistentVolumeClaimRetentionPolicy asks for. */
  private applyRetentionPolicy(set: KubeObject, replicas: Array<KubeObject | undefined>, condemned: KubeObject[]): void {
    const { client } = this.ctx;
    const visit = (pod: KubeObject | undefined, isCondemned: boolean): void => {
      if (!pod) return;
      for (const template of claimTemplates(set)) {
        const claim = client.get(claimsKey, pod.metadata.namespace ?? "", `${(template.metadata as JsonObject | undefined)?.name ?? ""}-${pod.metadata.name}`);
        if (!claim || claim.metadata.deletionTimestamp) continue;
        const refs = claimOwnerRefs(claim, set, pod, isCondemned);
        if (JSON.stringify(refs) === JSON.stringify(claim.metadata.ownerReferences ?? [])) continue;
        const metadata = { ...claim.metadata, ownerReferences: refs };
        if (refs.length === 0) delete (metadata as Partial<typeof metadata>).ownerReferences;
        client.update(claimsKey, { ...claim, metadata });
      }
    };
    for (const pod of replicas) visit(pod, false);
    for (const pod of condemned) visit(pod, true);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
