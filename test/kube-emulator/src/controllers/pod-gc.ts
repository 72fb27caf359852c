import type { JsonObject, KubeObject } from "../api-types.js";
import { now } from "../api/object-meta.js";
import { StatusError } from "../http/status-error.js";
import type { StoredEvent } from "../store/index.js";
import type { Controller, ControllerContext } from "./controller.js";
import { WorkQueue } from "./work-queue.js";

const podsKey = "/pods";
const nodesKey = "/nodes";

const nodeNameOf = (pod: KubeObject | undefined): string => String((pod?.spec as JsonObject | undefined)?.nodeName ?? "");

/**
 * The pod garbage collector's orphan rule (pkg/controller/podgc, gcOrphaned): pods bound to a
 * Node that no longer exists are force-deleted once the node has stayed missing for the
 * quarantine time, so that a node's deletion takes its DaemonSet pods with it. From 1.26
 * (PodDisruptionConditions) a pod not yet finished is first marked Failed with a
 * DisruptionTarget condition. The terminated-pod threshold is not modelled.
 */
export class PodGarbageCollector implements Controller {
  readonly name = "pod-gc";
  private readonly nodes = new Set<string>();
  /** node name -> "<namespace>/<name>" of the pods bound to it. */
  private readonly podsByNode = new Map<string, Set<string>>();
  private readonly queue: WorkQueue<string>;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((node) => this.collect(node), (node, err) => ctx.log(`pod-gc: node ${node}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const node of store.list(nodesKey).items) this.nodes.add(node.metadata.name ?? "");
    for (const pod of store.list(podsKey).items) this.index(`${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`, "", nodeNameOf(pod));
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey === podsKey) {
      const key = `${event.namespace}/${event.object.metadata.name ?? ""}`;
      const was = nodeNameOf(event.previous);
      const is = event.type === "DELETED" ? "" : nodeNameOf(event.object);
      if (was !== is || event.type === "ADDED") this.index(key, was, is);
    } else if (event.storageKey === nodesKey) {
      const name = event.object.metadata.name ?? "";
      if (event.type === "DELETED") {
        this.nodes.delete(name);
        if (this.podsByNode.has(name)) this.quarantineNode(name);
      } else {
        this.nodes.add(name);
      }
    }
  }

  private index(key: string, was: string, is: string): void {
    if (was) {
      const set = this.podsByNode.get(was);
      set?.delete(key);
      if (set?.size === 0) this.podsByNode.delete(was);
    }
    if (!is) return;
    let set = this.podsByNode.get(is);
    if (!set) this.podsByNode.set(is, (set = new Set()));
    set.add(key);
    if (!this.nodes.has(is)) this.quarantineNode(is);
  }

  /** A node found missing is looked at again once the quarantine has passed (nodeQueue.AddAfter). */
  private quarantineNode(node: string): void {
    // A node already waiting keeps its earlier time: the quarantine is not restarted.
    this.queue.addAfter(node, this.ctx.settings.orphanPodQuarantineMs);
  }

  private collect(node: string): void {
    if (this.nodes.has(node) || this.ctx.client.get(nodesKey, "", node)) return;
    for (const key of [...(this.podsByNode.get(node) ?? [])]) {
      const slash = key.indexOf("/");
      const pod = this.ctx.client.get(podsKey, key.slice(0, slash), key.slice(slash + 1));
      if (pod && nodeNameOf(pod) === node) this.deleteOrphan(pod);
    }
  }

  /** markFailedAndDeletePodWithCondition: Failed with DisruptionTarget (1.26+), then a delete with no grace. */
  private deleteOrphan(pod: KubeObject): void {
    const { client, service } = this.ctx;
    try {
      const status = (pod.status as JsonObject | undefined) ?? {};
      let current = pod;
      if (service.minor >= 26 && status.phase !== "Succeeded" && status.phase !== "Failed") {
        const conditions = (Array.isArray(status.conditions) ? (status.conditions as JsonObject[]) : []).filter((c) => c.type !== "DisruptionTarget");
        const condition = { type: "DisruptionTarget", status: "True", lastProbeTime: null, lastTransitionTime: now(), reason: "DeletionByPodGC", message: "PodGC: node no longer exists" };
        current = client.updateStatus(podsKey, { ...pod, status: { ...status, phase: "Failed", conditions: [...conditions, condition] } });
      }
      if (!current.metadata.deletionTimestamp) client.delete(podsKey, current, { preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }
}
