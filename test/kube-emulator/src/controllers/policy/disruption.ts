import type { JsonObject, KubeObject } from "../../api-types.js";
import { now } from "../../api/object-meta.js";
import { StatusError } from "../../http/status-error.js";
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from "../../selectors/index.js";
import type { StoredEvent } from "../../store/index.js";
import type { Controller, ControllerContext } from "../controller.js";
import type { EventType } from "../events.js";
import { WorkQueue } from "../work-queue.js";
import { ExpectedCountError, expectedPodCount, type ScaleLookup } from "./expected-pods.js";
import { goLabelSelectorString } from "./go-label-selector.js";
import { buildDisruptedPods, countHealthyPods, failSafeStatus, nextStatus } from "./pdb-status.js";

const pdbKey = "policy/poddisruptionbudgets";
const podsKey = "/pods";
/** The disruption controller's events name the controller manager as their source. */
const component = "controllermanager";

interface PendingEvent {
  about: KubeObject;
  type: EventType;
  reason: string;
  message: string;
}

/**
 * The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's
 * status — expectedPods, currentHealthy (Ready pods not being deleted nor just evicted),
 * desiredHealthy, disruptionsAllowed, observedGeneration, disruptedPods and, from 1.21, the
 * DisruptionAllowed condition — which the eviction API reads to allow or refuse a disruption.
 * When the count cannot be made (a pod whose controller has no scale), no disruption is
 * allowed (failSafe).
 */
export class DisruptionController implements Controller {
  readonly name = "disruption";
  private readonly queue: WorkQueue<string>;
  /** namespace -> names of its budgets: pod events elsewhere cost one lookup. */
  private readonly budgets = new Map<string, Set<string>>();
  /** Events of a budget's last sync: a repeat is recorded once, as the event correlator folds repeats. */
  private readonly lastEvents = new Map<string, Set<string>>();
  private readonly lookup: ScaleLookup;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((key) => this.sync(key), (key, err) => ctx.log(`disruption: budget ${key}: ${String(err)}`));
    const registry = ctx.service.registry;
    this.lookup = {
      get: (key, ns, name) => ctx.client.get(key, ns, name),
      resourceFor: (group, version, kind) => registry.allResources().find((r) => r.group === group && r.version === version && r.kind === kind),
    };
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const pdb of store.list(pdbKey).items) this.track(pdb, false);
    this.unsubscribe = store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private observe(event: StoredEvent): void {
    if (event.storageKey === pdbKey) {
      this.track(event.object, event.type === "DELETED");
    } else if (event.storageKey === podsKey) {
      // Which budgets select the pod is the sync's to find out; the namespace's are few.
      const names = this.budgets.get(event.namespace);
      if (names) for (const name of names) this.queue.add(`${event.namespace}/${name}`);
    }
  }

  private track(pdb: KubeObject, deleted: boolean): void {
    const ns = pdb.metadata.namespace ?? "";
    const name = pdb.metadata.name ?? "";
    const key = `${ns}/${name}`;
    if (deleted) {
      const names = this.budgets.get(ns);
      names?.delete(name);
      if (names?.size === 0) this.budgets.delete(ns);
      this.lastEvents.delete(key);
      this.queue.cancelAfter(key);
      return;
    }
    let names = this.budgets.get(ns);
    if (!names) this.budgets.set(ns, (names = new Set()));
    names.add(name);
    this.queue.add(key);
  }

  /**
   * getPodsForPdb, with the stored (policy/v1) selector: a null one selects nothing, an empty
   * one every pod. A policy/v1beta1 empty selector, which selects nothing, is stored as a
   * selector no pod matches (see conversion/policy.ts), so both versions keep their meaning.
   */
  private podsFor(pdb: KubeObject): KubeObject[] {
    const raw = (pdb.spec as JsonObject | undefined)?.selector as LabelSelectorObject | null | undefined;
    const selector = labelSelectorFromObject(raw);
    if (selector.matchesNothing) return [];
    return this.ctx.client.list(podsKey, pdb.metadata.namespace ?? "").filter((pod) => matchesLabels(selector, pod.metadata.labels));
  }

  private sync(key: string): void {
    const slash = key.indexOf("/");
    const pdb = this.ctx.client.get(pdbKey, key.slice(0, slash), key.slice(slash + 1));
    if (!pdb) return;
    const minor = this.ctx.service.minor;
    const events: PendingEvent[] = [];
    const event = (about: KubeObject, type: EventType, reason: string, message: string) => events.push({ about, type, reason, message });
    let status: JsonObject | undefined;
    try {
      let pods: KubeObject[];
      try {
        pods = this.podsFor(pdb);
      } catch (err) {
        event(pdb, "Warning", "NoPods", `Failed to get pods: ${errorText(err)}`);
        throw new ExpectedCountError(errorText(err));
      }
      if (pods.length === 0) event(pdb, "Normal", "NoPods", "No matching pods found");
      let counted;
      try {
        counted = expectedPodCount(this.lookup, pdb, pods, minor);
      } catch (err) {
        if (err instanceof ExpectedCountError && err.reason && minor < 21) event(pdb, "Warning", err.reason, err.message);
        event(pdb, "Warning", "CalculateExpectedPodCountFailed", `Failed to calculate the number of expected pods: ${errorText(err)}`);
        throw err;
      }
      if (counted.unmanaged.length > 0 && minor >= 27) {
        const selector = goLabelSelectorString((pdb.spec as JsonObject | undefined)?.selector as LabelSelectorObject | undefined);
        event(
          pdb,
          "Warning",
          "UnmanagedPods",
          `Pods selected by this PodDisruptionBudget (selector: ${selector}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
        );
      }
      const at = Date.now();
      const recorded = (pdb.status as JsonObject | undefined)?.disruptedPods as Record<string, string> | undefined;
      const { disrupted, overdue, recheckAt } = buildDisruptedPods(pods, recorded, at);
      // Upstream names the budget "namespace/namespace" here; the event says what it says.
      for (const pod of overdue) event(pod, "Warning", "NotDeleted", `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.namespace} to be deleted but it wasn't`);
      const currentHealthy = countHealthyPods(pods, disrupted, at);
      status = nextStatus(pdb, { expectedPods: counted.expectedPods, desiredHealthy: counted.desiredHealthy, currentHealthy, disruptedPods: disrupted }, minor, now());
      // enqueuePdbForRecheck: look again when a recorded disruption's expected deletion time passes.
      if (recheckAt !== undefined) this.queue.addAfter(key, recheckAt - at + 1);
    } catch (err) {
      if (!(err instanceof ExpectedCountError)) throw err;
      status = failSafeStatus(pdb, err.message, minor, now());
    }
    this.recordOnce(key, events);
    if (!status) return;
    try {
      this.ctx.client.updateStatus(pdbKey, { ...pdb, status });
    } catch (err) {
      // A conflict or a budget gone: the write that caused it queues another sync.
      if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }

  private recordOnce(key: string, events: PendingEvent[]): void {
    const before = this.lastEvents.get(key);
    const seen = new Set<string>();
    for (const e of events) {
      const id = `${e.about.metadata.uid}|${e.reason}|${e.message}`;
      seen.add(id);
      if (!before?.has(id)) this.ctx.events.record(component, e.about, e.type, e.reason, e.message);
    }
    this.lastEvents.set(key, seen);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
