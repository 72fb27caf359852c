import type { JsonObject, KubeObject } from "../../api-types.js";
import { templateGenerationAnnotation } from "../../api/defaults/workloads.js";
import { StatusError } from "../../http/status-error.js";
import { labelSelectorFromObject, type LabelSelectorObject } from "../../selectors/index.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import { WorkQueue } from "../work-queue.js";
import { claimRevisions, controllerRevisionHashLabel, syncUpdateRevision, templatePatch, truncateHistory } from "./controller-revision.js";
import { daemonPodTolerations, nodeShouldRunDaemonPod, pinToNode, targetNodeName } from "./daemon-set-nodes.js";
import { controllerOf, podFromTemplate } from "./owner-refs.js";
import { claimPods } from "./pod-claims.js";
import { isPodAvailable, isPodReady, podPhase } from "./pod-status.js";
import { computePodTemplateHash } from "./pod-template-hash.js";

const dsKey = "apps/daemonsets";
const podsKey = "/pods";
const nodesKey = "/nodes";
const component = "daemonset-controller";
/** The deprecated label DaemonSet pods still carry (extensions.DaemonSetTemplateGenerationKey). */
const templateGenerationLabel = "pod-template-generation";

const byCreation = (a: KubeObject, b: KubeObject): number =>
  String(a.metadata.creationTimestamp ?? "").localeCompare(String(b.metadata.creationTimestamp ?? "")) || String(a.metadata.name).localeCompare(String(b.metadata.name));

/** intstr.GetScaledValueFromIntOrPercent, rounding up as the DaemonSet's maxUnavailable does. */
function scaled(value: unknown, total: number, fallback: number): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+%$/.test(value)) return Math.ceil((Number(value.slice(0, -1)) * total) / 100);
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return fallback;
}

/**
 * The DaemonSet controller (pkg/controller/daemon): one pod per node the template fits,
 * pinned to it with a `metadata.name` node affinity for the scheduler to bind, replaced when
 * it fails, removed from nodes that no longer fit, rolled node by node to a new template,
 * and the status `kubectl rollout status` reads.
 */
export class DaemonSetController implements Controller {
  readonly name = "daemonset";
  private readonly queue: WorkQueue<string>;
  private readonly nodes = new Map<string, KubeObject>();
  private readonly daemonSets = new Set<string>();
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((key) => this.sync(key), (key, err) => ctx.log(`daemonset ${key}: ${String(err)}`));
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const node of store.list(nodesKey).items) this.nodes.set(node.metadata.name ?? "", node);
    for (const ds of store.list(dsKey).items) this.track(ds, false);
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey === dsKey) {
      this.track(event.object, event.type === "DELETED");
    } else if (event.storageKey === podsKey) {
      const owner = controllerOf(event.object) ?? (event.previous ? controllerOf(event.previous) : undefined);
      if (owner?.kind === "DaemonSet") this.queue.add(`${event.namespace}/${owner.name}`);
      else if (!owner) for (const key of this.daemonSets) if (key.startsWith(`${event.namespace}/`)) this.queue.add(key);
    } else if (event.storageKey === nodesKey) {
      const name = event.object.metadata.name ?? "";
      if (event.type === "DELETED") this.nodes.delete(name);
      else this.nodes.set(name, event.object);
      // Heartbeats and other status writes do not change where daemon pods belong.
      if (event.type === "MODIFIED" && !placementChanged(event.previous, event.object)) return;
      for (const key of this.daemonSets) this.queue.add(key);
    }
  }

  private track(ds: KubeObject, deleted: boolean): void {
    const key = `${ds.metadata.namespace ?? ""}/${ds.metadata.name ?? ""}`;
    if (deleted) this.daemonSets.delete(key);
    else {
      this.daemonSets.add(key);
      this.queue.add(key);
    }
  }

  private sync(key: string): void {
    const [namespace, name] = key.split("/") as [string, string];
    const { client } = this.ctx;
    const ds = client.get(dsKey, namespace, name);
    if (!ds) return;
    const spec = (ds.spec as JsonObject | undefined) ?? {};
    const template = (spec.template as JsonObject | undefined) ?? {};
    const podSpec = (template.spec as JsonObject | undefined) ?? {};
    const selector = spec.selector as LabelSelectorObject | undefined;
    const status = (ds.status as JsonObject | undefined) ?? {};
    const collisionCount = typeof status.collisionCount === "number" ? status.collisionCount : undefined;

    // constructHistory: the revision of the current template, named and labelled by its hash.
    const history = syncUpdateRevision(client, ds, claimRevisions(client, ds, dsKey, selector), templatePatch(template), {
      hash: (_data, count) => computePodTemplateHash(template, count),
      labels: (hash) => ({ ...(((template.metadata as JsonObject | undefined)?.labels as Record<string, string> | undefined) ?? {}), [controllerRevisionHashLabel]: hash }),
    }, collisionCount);
    const hash = history.update.metadata.labels?.[controllerRevisionHashLabel] ?? computePodTemplateHash(template, history.collisionCount);

    const claim = claimPods({ client, owner: ds, ownerKey: dsKey, selector: labelSelectorFromObject(selector) }, client.list(podsKey, namespace));
    for (const err of claim.errors) this.ctx.log(`daemonset ${key}: ${err.message}`);
    let pods = claim.claimed;
    if (!ds.metadata.deletionTimestamp) {
      this.manage(ds, podSpec, pods, hash);
      pods = client.list(podsKey, namespace).filter((p) => controllerOf(p)?.uid === ds.metadata.uid);
      const strategy = (spec.updateStrategy as JsonObject | undefined) ?? {};
      if ((strategy.type ?? "RollingUpdate") === "RollingUpdate") {
        this.rollingUpdate(ds, podSpec, pods, hash, (strategy.rollingUpdate as JsonObject | undefined) ?? {});
        pods = client.list(podsKey, namespace).filter((p) => controllerOf(p)?.uid === ds.metadata.uid);
      }
    }
    this.writeStatus(ds, podSpec, pods, hash, history.collisionCount);

    const live = new Set([history.update.metadata.name ?? ""]);
    for (const rev of history.revisions) {
      const revHash = rev.metadata.labels?.[controllerRevisionHashLabel];
      if (revHash && pods.some((p) => p.metadata.labels?.[controllerRevisionHashLabel] === revHash)) live.add(rev.metadata.name ?? "");
    }
    truncateHistory(client, history.revisions, live, typeof spec.revisionHistoryLimit === "number" ? spec.revisionHistoryLimit : 10);
  }

  private podsByNode(pods: KubeObject[]): Map<string, KubeObject[]> {
    const byNode = new Map<string, KubeObject[]>();
    for (const pod of pods) {
      const node = targetNodeName(pod);
      if (!node) continue;
      let list = byNode.get(node);
      if (!list) byNode.set(node, (list = []));
      list.push(pod);
    }
    for (const list of byNode.values()) list.sort(byCreation);
    return byNode;
  }

  /** manage + syncNodes: create the missing daemon pods, delete failed, duplicate and misplaced ones. */
  private manage(ds: KubeObject, podSpec: JsonObject, pods: KubeObject[], hash: string): void {
    const byNode = this.podsByNode(pods);
    const create: string[] = [];
    const remove: KubeObject[] = [];
    for (const node of this.nodes.values()) {
      const nodeName = node.metadata.name ?? "";
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(podSpec, node);
      const onNode = byNode.get(nodeName) ?? [];
      if (shouldRun && onNode.length === 0) {
        create.push(nodeName);
      } else if (shouldContinueRunning) {
        const running: KubeObject[] = [];
        for (const pod of onNode) {
          if (pod.metadata.deletionTimestamp) continue;
          if (podPhase(pod) === "Failed") {
            this.ctx.events.record(component, ds, "Warning", "FailedDaemonPod", `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`);
            remove.push(pod);
          } else {
            running.push(pod);
          }
        }
        // A failed pod's replacement comes on a later sync, once it has gone. Of duplicates the oldest stays.
        remove.push(...running.slice(1));
      } else {
        remove.push(...onNode.filter((p) => !p.metadata.deletionTimestamp));
      }
    }
    const generation = templateGeneration(ds);
    for (const nodeName of create) this.createPod(ds, nodeName, hash, generation);
    for (const pod of remove) this.deletePod(ds, pod);
  }

  private createPod(ds: KubeObject, nodeName: string, hash: string, generation: string): void {
    const template = ((ds.spec as JsonObject | undefined)?.template as JsonObject | undefined) ?? {};
    const pod = podFromTemplate(template, ds, { generateName: `${ds.metadata.name ?? ""}-` });
    pod.metadata.labels = { ...pod.metadata.labels, [templateGenerationLabel]: generation, [controllerRevisionHashLabel]: hash };
    const spec = (pod.spec as JsonObject | undefined) ?? {};
    pod.spec = { ...spec, tolerations: daemonPodTolerations(spec), affinity: pinToNode(spec.affinity as JsonObject | undefined, nodeName) };
    try {
      const created = this.ctx.client.create(podsKey, pod);
      this.ctx.events.record(component, ds, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`);
    } catch (err) {
      this.ctx.events.record(component, ds, "Warning", "FailedCreate", `Error creating: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private deletePod(ds: KubeObject, pod: KubeObject): void {
    try {
      this.ctx.client.delete(podsKey, pod, { preconditions: { uid: pod.metadata.uid } });
      this.ctx.events.record(component, ds, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return;
      this.ctx.events.record(component, ds, "Warning", "FailedDelete", `Error deleting: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * rollingUpdate (maxSurge 0): old pods that are unavailable go at once, available ones
   * only while fewer than maxUnavailable of the desired nodes lack an available pod; the
   * replacements come from manage on the next sync.
   */
  private rollingUpdate(ds: KubeObject, podSpec: JsonObject, pods: KubeObject[], hash: string, rolling: JsonObject): void {
    const minReadySeconds = Number((ds.spec as JsonObject | undefined)?.minReadySeconds ?? 0);
    const byNode = this.podsByNode(pods);
    const desired = [...this.nodes.values()].filter((n) => nodeShouldRunDaemonPod(podSpec, n).shouldRun);
    const maxUnavailable = Math.max(scaled(rolling.maxUnavailable, desired.length, 1), 0);
    let unavailable = 0;
    const oldAvailable: KubeObject[] = [];
    const oldUnavailable: KubeObject[] = [];
    for (const node of desired) {
      const onNode = (byNode.get(node.metadata.name ?? "") ?? []).filter((p) => !p.metadata.deletionTimestamp);
      const pod = onNode[0];
      if (!pod) {
        unavailable++;
        continue;
      }
      const available = isPodAvailable(pod, minReadySeconds);
      if (!available) unavailable++;
      if (pod.metadata.labels?.[controllerRevisionHashLabel] === hash) continue;
      (available ? oldAvailable : oldUnavailable).push(pod);
    }
    for (const pod of oldUnavailable) this.deletePod(ds, pod);
    for (const pod of oldAvailable) {
      if (unavailable >= maxUnavailable) break;
      this.deletePod(ds, pod);
      unavailable++;
    }
  }

  /** updateDaemonSetStatus. */
  private writeStatus(ds: KubeObject, podSpec: JsonObject, pods: KubeObject[], hash: string, collisionCount: number | undefined): void {
    const minReadySeconds = Number((ds.spec as JsonObject | undefined)?.minReadySeconds ?? 0);
    const byNode = this.podsByNode(pods);
    const generation = templateGeneration(ds);
    let desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
    for (const node of this.nodes.values()) {
      const { shouldRun } = nodeShouldRunDaemonPod(podSpec, node);
      const onNode = byNode.get(node.metadata.name ?? "") ?? [];
      if (shouldRun) {
        desired++;
        const pod = onNode[0];
        if (!pod) continue;
        current++;
        if (isPodReady(pod)) {
          ready++;
          if (isPodAvailable(pod, minReadySeconds)) available++;
          else if (minReadySeconds > 0) this.queue.addAfter(`${ds.metadata.namespace}/${ds.metadata.name}`, minReadySeconds * 1000);
        }
        // util.IsPodUpdated: the pod's hash, or its template generation, is the current one.
        const labels = pod.metadata.labels ?? {};
        if (labels[controllerRevisionHashLabel] === hash || labels[templateGenerationLabel] === generation) updated++;
      } else if (onNode.length > 0) {
        misscheduled++;
      }
    }
    const status: JsonObject = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      ...(ds.metadata.generation ? { observedGeneration: ds.metadata.generation } : {}),
      ...(updated > 0 ? { updatedNumberScheduled: updated } : {}),
      ...(available > 0 ? { numberAvailable: available } : {}),
      ...(desired - available > 0 ? { numberUnavailable: desired - available } : {}),
      ...(collisionCount !== undefined ? { collisionCount } : {}),
    };
    const latest = this.ctx.client.get(dsKey, ds.metadata.namespace ?? "", ds.metadata.name ?? "");
    if (!latest || latest.metadata.uid !== ds.metadata.uid) return;
    const before = (latest.status as JsonObject | undefined) ?? {};
    const { conditions } = before;
    const next = conditions ? { ...status, conditions } : status;
    if (JSON.stringify(next) === JSON.stringify(before)) return;
    this.ctx.client.updateStatus(dsKey, { ...latest, status: next });
  }
}

/**
 * util.GetTemplateGeneration: the template's generation, which the API server keeps in an
 * annotation (bumped only when the pod template changes; see api/defaults/workloads.ts).
 */
function templateGeneration(ds: KubeObject): string {
  return ds.metadata.annotations?.[templateGenerationAnnotation] ?? "1";
}

/** Whether a node change can move daemon pods: labels, taints, or the node's name field selectors. */
function placementChanged(previous: KubeObject | undefined, next: KubeObject): boolean {
  if (!previous) return true;
  const spec = (o: KubeObject): string => JSON.stringify(((o.spec as JsonObject | undefined) ?? {}).taints ?? null);
  return JSON.stringify(previous.metadata.labels ?? {}) !== JSON.stringify(next.metadata.labels ?? {}) || spec(previous) !== spec(next);
}
