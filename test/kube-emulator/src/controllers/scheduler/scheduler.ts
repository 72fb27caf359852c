import type { JsonObject, KubeObject } from "../../api-types.js";
import { now } from "../../api/object-meta.js";
import { bindPod } from "../../api/pod-binding.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { annSelectedNode, claimsKey, classesKey, nodesKey, podsKey, volumesKey } from "../storage/storage-names.js";
import { WorkQueue } from "../work-queue.js";
import { filterFailureMessage, noNodesAvailable, podFailureMessage, type NodeRejection } from "./fit-error.js";
import { podMatchesNodeAffinity, topologyAllowsNode, volumeAllowsNode } from "./node-affinity.js";
import { nodeTaints, podTolerations, tolerates, untoleratedTaint } from "./taints.js";
import { checkPodVolumes, podClaims, type DelayedClaim, type VolumeLookup } from "./volume-binding.js";

const component = "default-scheduler";

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});

/** A pod the default scheduler has to place: no node yet, not going away, not finished, and asking for it. */
export function needsScheduling(pod: KubeObject): boolean {
  const spec = asObject(pod.spec);
  if (typeof spec.nodeName === "string" && spec.nodeName !== "") return false;
  if (pod.metadata.deletionTimestamp) return false;
  const schedulerName = spec.schedulerName;
  if (schedulerName !== undefined && schedulerName !== "" && schedulerName !== component) return false;
  const phase = asObject(pod.status).phase;
  return phase !== "Succeeded" && phase !== "Failed";
}

/** The node a pod occupies for spreading: its assigned node, unless it has finished. */
function occupiedNode(pod: KubeObject): string | undefined {
  const nodeName = asObject(pod.spec).nodeName;
  const phase = asObject(pod.status).phase;
  if (typeof nodeName !== "string" || nodeName === "" || phase === "Succeeded" || phase === "Failed") return undefined;
  return nodeName;
}

/**
 * The default scheduler (kube-scheduler): binds each pending pod to a node that passes the
 * filters (NodeUnschedulable, TaintToleration, NodeAffinity, VolumeBinding), choosing the
 * node with the fewest pods so workloads spread. A pod no node fits gets PodScheduled=False
 * (Unschedulable) and a FailedScheduling event, and is tried again when Nodes, claims,
 * volumes or classes change. Node resources and pod (anti-)affinity are not modelled.
 */
export class Scheduler implements Controller {
  readonly name = "scheduler";
  private readonly queue: WorkQueue<string>;
  private readonly nodes = new Map<string, KubeObject>();
  /** Pods per node, with pods assumed on a node while their WaitForFirstConsumer claims are provisioned. */
  private readonly podsOnNode = new Map<string, number>();
  private readonly placement = new Map<string, string>();
  /** Pods that could not be bound yet, tried again on cluster changes. */
  private readonly parked = new Set<string>();
  /** "namespace/claim" -> parked pods that use the claim. */
  private readonly claimUsers = new Map<string, Set<string>>();
  private readonly claimsOfPod = new Map<string, string[]>();
  /** resourceVersion of each pod's status this scheduler wrote last: the echo needs no work. */
  private readonly ownWrites = new Map<string, string>();
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((key) => this.schedule(key), (key, err) => ctx.log(`scheduler: pod ${key}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const node of store.list(nodesKey).items) this.nodes.set(node.metadata.name ?? "", node);
    for (const pod of store.list(podsKey).items) {
      const key = `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`;
      this.place(key, occupiedNode(pod));
      if (needsScheduling(pod)) this.queue.add(key);
    }
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    switch (event.storageKey) {
      case podsKey:
        this.observePod(event);
        return;
      case nodesKey:
        if (event.type === "DELETED") this.nodes.delete(event.object.metadata.name ?? "");
        else this.nodes.set(event.object.metadata.name ?? "", event.object);
        this.retryParked();
        return;
      case claimsKey:
        this.retryClaimUsers(`${event.namespace}/${event.object.metadata.name ?? ""}`);
        return;
      case volumesKey: {
        const ref = asObject(asObject(event.object.spec).claimRef);
        if (typeof ref.name === "string") this.retryClaimUsers(`${String(ref.namespace ?? "")}/${ref.name}`);
        return;
      }
      case classesKey:
        for (const key of this.claimsOfPod.keys()) this.queue.add(key);
        return;
    }
  }

  private observePod(event: StoredEvent): void {
    const pod = event.object;
    const key = `${event.namespace}/${pod.metadata.name ?? ""}`;
    if (event.type === "DELETED") {
      this.place(key, undefined);
      this.forget(key);
      this.ownWrites.delete(key);
      return;
    }
    const occupied = occupiedNode(pod);
    // A pod waiting for its volumes keeps the node it is assumed on until it is bound.
    if (occupied !== undefined || !this.parked.has(key) || !needsScheduling(pod)) this.place(key, occupied);
    if (!needsScheduling(pod)) {
      this.forget(key);
      return;
    }
    if (this.ownWrites.get(key) === pod.metadata.resourceVersion) return;
    this.queue.add(key);
  }

  private place(key: string, node: string | undefined): void {
    const was = this.placement.get(key);
    if (was === node) return;
    if (was !== undefined) this.podsOnNode.set(was, (this.podsOnNode.get(was) ?? 1) - 1);
    if (node === undefined) {
      this.placement.delete(key);
      return;
    }
    this.placement.set(key, node);
    this.podsOnNode.set(node, (this.podsOnNode.get(node) ?? 0) + 1);
  }

  private retryParked(): void {
    for (const key of this.parked) this.queue.add(key);
  }

  private retryClaimUsers(claimKey: string): void {
    for (const key of this.claimUsers.get(claimKey) ?? []) this.queue.add(key);
  }

  private park(key: string, pod: KubeObject): void {
    this.parked.add(key);
    if (this.claimsOfPod.has(key)) return;
    const claimKeys = podClaims(pod).map((c) => `${pod.metadata.namespace ?? ""}/${c.name}`);
    if (claimKeys.length === 0) return;
    this.claimsOfPod.set(key, claimKeys);
    for (const c of claimKeys) {
      let users = this.claimUsers.get(c);
      if (!users) this.claimUsers.set(c, (users = new Set()));
      users.add(key);
    }
  }

  private forget(key: string): void {
    this.parked.delete(key);
    for (const c of this.claimsOfPod.get(key) ?? []) {
      const users = this.claimUsers.get(c);
      users?.delete(key);
      if (users?.size === 0) this.claimUsers.delete(c);
    }
    this.claimsOfPod.delete(key);
  }

  private schedule(key: string): void {
    const slash = key.indexOf("/");
    const pod = this.ctx.service.store.get(podsKey, key.slice(0, slash), key.slice(slash + 1));
    if (!pod || !needsScheduling(pod)) return;
    const minor = this.ctx.service.minor;
    if (this.nodes.size === 0) return this.fail(key, pod, noNodesAvailable);
    const volumes = checkPodVolumes(pod, this.volumeLookup());
    if ("rejection" in volumes) return this.fail(key, pod, podFailureMessage(minor, this.nodes.size, volumes.rejection));

    const spec = asObject(pod.spec);
    const rejections: NodeRejection[] = [];
    const feasible: string[] = [];
    for (const [name, node] of this.nodes) {
      const rejection = this.filter(spec, node, volumes.boundVolumes, volumes.delayed);
      if (rejection) rejections.push(rejection);
      else feasible.push(name);
    }
    if (feasible.length === 0) return this.fail(key, pod, filterFailureMessage(minor, rejections));

    const node = this.choose(key, feasible, volumes.delayed);
    if (volumes.delayed.length > 0) {
      // PreBind: the claims learn the node, the PV controller provisions and binds them, and
      // the claims' changes bring the pod back here to be bound.
      this.place(key, node);
      this.park(key, pod);
      for (const { claim } of volumes.delayed) {
        if (claim.metadata.annotations?.[annSelectedNode] === node) continue;
        this.ctx.client.update(claimsKey, { ...claim, metadata: { ...claim.metadata, annotations: { ...claim.metadata.annotations, [annSelectedNode]: node } } });
      }
      return;
    }
    this.forget(key);
    bindPod(this.ctx.service, pod.metadata.namespace ?? "", pod.metadata.name ?? "", { nodeName: node });
    this.ctx.events.record(component, pod, "Normal", "Scheduled", `Successfully assigned ${key} to ${node}`);
  }

  /** The filter plugins in the order the default profile runs them; the first rejection is the node's reason. */
  private filter(spec: JsonObject, node: KubeObject, boundVolumes: KubeObject[], delayed: DelayedClaim[]): NodeRejection | undefined {
    const tolerations = podTolerations(spec);
    if (asObject(node.spec).unschedulable === true) {
      const unschedulableTaint = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };
      if (!tolerations.some((t) => tolerates(t, unschedulableTaint))) return { kind: "unschedulable" };
    }
    const taint = untoleratedTaint(nodeTaints(node), tolerations);
    if (taint) return { kind: "taint", taint };
    if (!podMatchesNodeAffinity(spec, node)) return { kind: "node-affinity" };
    if (!boundVolumes.every((pv) => volumeAllowsNode(pv, node))) return { kind: "volume-node-affinity" };
    if (!delayed.every((d) => topologyAllowsNode(d.storageClass, node))) return { kind: "volume-topology" };
    return undefined;
  }

  /**
   * The node with the fewest pods (first by name on a tie), unless the pod is already
   * assumed on a feasible node or its claims already name one.
   */
  private choose(key: string, feasible: string[], delayed: DelayedClaim[]): string {
    const preferred = [this.placement.get(key), ...delayed.map((d) => d.claim.metadata.annotations?.[annSelectedNode])];
    for (const p of preferred) if (p !== undefined && feasible.includes(p)) return p;
    let best = feasible[0]!;
    for (const name of feasible) {
      const load = this.podsOnNode.get(name) ?? 0;
      const bestLoad = this.podsOnNode.get(best) ?? 0;
      if (load < bestLoad || (load === bestLoad && name < best)) best = name;
    }
    return best;
  }

  /** PodScheduled=False with the reason, and one FailedScheduling event per new message. */
  private fail(key: string, pod: KubeObject, message: string): void {
    this.place(key, undefined);
    this.park(key, pod);
    const status = asObject(pod.status);
    const conditions = Array.isArray(status.conditions) ? [...(status.conditions as JsonObject[])] : [];
    const at = conditions.findIndex((c) => c.type === "PodScheduled");
    const current = at >= 0 ? conditions[at]! : undefined;
    if (current?.status === "False" && current.reason === "Unschedulable" && current.message === message) return;
    const condition: JsonObject = {
      type: "PodScheduled",
      status: "False",
      lastProbeTime: null,
      lastTransitionTime: current?.status === "False" && typeof current.lastTransitionTime === "string" ? current.lastTransitionTime : now(),
      reason: "Unschedulable",
      message,
    };
    if (at >= 0) conditions[at] = condition;
    else conditions.push(condition);
    const written = this.ctx.client.updateStatus(podsKey, { ...pod, status: { ...status, conditions } });
    this.ownWrites.set(key, written.metadata.resourceVersion ?? "");
    this.ctx.events.record(component, pod, "Warning", "FailedScheduling", message);
  }

  private volumeLookup(): VolumeLookup {
    const store = this.ctx.service.store;
    return {
      claim: (namespace, name) => store.get(claimsKey, namespace, name),
      volume: (name) => store.get(volumesKey, "", name),
      storageClass: (name) => store.get(classesKey, "", name),
    };
  }
}
