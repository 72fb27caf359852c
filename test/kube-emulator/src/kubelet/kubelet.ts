import { mkdir, rm } from "node:fs/promises";
import type { JsonObject, KubeObject } from "../api-types.js";
import { now } from "../api/object-meta.js";
import type { Controller, ControllerContext } from "../controllers/controller.js";
import { requestedExitCode } from "../controllers/workloads/pod-exit.js";
import { WorkQueue } from "../controllers/work-queue.js";
import type { StoredEvent } from "../store/index.js";
import { containerStartEvents } from "./container-events.js";
import { newContainerId } from "./container-id.js";
import { DelayQueue } from "./delay-queue.js";
import { generatePodStatus, isSidecar, type ContainerRun, type PodRun } from "./generate-pod-status.js";
import { NodeLeases } from "./node-lease.js";
import { PodIpAllocator } from "./pod-ip-allocator.js";
import { layOut, planVolumes, type VolumeLayout } from "./pod-volumes.js";
import { podDir } from "./volume-layout.js";

const component = "kubelet";
const podsKey = "/pods";
/** Stores whose objects pod volumes read: a change there may let a pod start or refresh its files. */
const sourceKeys = new Set(["/configmaps", "/secrets", "/persistentvolumeclaims"]);
/** How a container stopped for its pod's deletion ends (see Kubelet.kill). */
const killedBySigterm = { exitCode: 143, reason: "Error" };

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});
const asObjects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.map(asObject) : []);

interface PodRecord {
  key: string;
  uid: string;
  namespace: string;
  nodeName: string;
  run: PodRun;
  /** The pod's disk work in order, so its directory is removed only after it was laid out. */
  disk: Promise<void>;
  /** Volumes are being laid out; the containers start once they are. */
  starting: boolean;
  laidOut: boolean;
  /** FailedMount messages already recorded, each once. */
  reported: Set<string>;
  sources: string[];
  /** A source of a volume changed: rewrite the volumes whose content differs. */
  refresh: boolean;
  digests: Map<string, string>;
  /** resourceVersion of the status this kubelet wrote last: its echo needs no work. */
  written?: string;
  backOffReported: boolean;
  gone: boolean;
}

/**
 * The kubelets of the emulator's nodes: for each pod bound to one of them, lays out its
 * volumes under the node's kubelet root, gives it an address from the node's podCIDR and
 * reports it Running and Ready as a kubelet with containerd would. Pods that run to
 * completion (restartPolicy Never or OnFailure) finish after `settings.jobPodRunMs`, with
 * the exit code the pod's exit-code annotation asks for. A deleted pod's directory goes
 * with it; the PersistentVolume data its claims linked to stays.
 */
export class Kubelet implements Controller {
  readonly name = "kubelet";
  private readonly queue: WorkQueue<string>;
  private readonly records = new Map<string, PodRecord>();
  private readonly allocators = new Map<string, PodIpAllocator>();
  private readonly hostIps = new Map<string, string>();
  /** "<storageKey>|<namespace>|<name>" -> pods whose volumes read that object. */
  private readonly readers = new Map<string, Set<string>>();
  private readonly runs: DelayQueue<PodRecord>;
  private readonly leases: NodeLeases;
  /** Disk work under way (volume layouts, pod directory removals), awaited by settle(). */
  private readonly pendingDisk = new Set<Promise<void>>();
  private stopped = false;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue((key) => this.sync(key), (key, err) => ctx.log(`kubelet: pod ${key}: ${String(err)}`));
    this.runs = new DelayQueue((rec) => {
      try {
        this.containersExit(rec);
      } catch (err) {
        ctx.log(`kubelet: pod ${rec.key}: ${String(err)}`);
      }
    });
    this.leases = new NodeLeases(ctx);
  }

  start(): void {
    const store = this.ctx.service.store;
    for (const name of this.ctx.nodeNames) {
      const node = store.get("/nodes", "", name);
      if (node) this.observeNode(node);
    }
    for (const pod of store.list(podsKey).items) {
      if (this.allocators.has(String(asObject(pod.spec).nodeName ?? ""))) this.queue.add(`${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`);
    }
    this.unsubscribe = store.subscribe((e) => this.observe(e));
    this.leases.start();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.queue.stop();
    this.runs.stop();
    this.leases.stop();
  }

  /** Resolves once the disk work begun before stop has ended, so the data directory can go. */
  async settle(): Promise<void> {
    while (this.pendingDisk.size > 0) await Promise.all([...this.pendingDisk]);
  }

  private observe(event: StoredEvent): void {
    const key = event.storageKey;
    if (key === podsKey) return this.observePod(event);
    if (sourceKeys.has(key)) return this.wake(`${key}|${event.namespace}|${event.object.metadata.name ?? ""}`);
    if (key === "/persistentvolumes") {
      const ref = asObject(asObject(event.object.spec).claimRef);
      if (typeof ref.name === "string") this.wake(`/persistentvolumeclaims|${String(ref.namespace ?? "")}|${ref.name}`);
      return;
    }
    if (key === "/nodes" && event.type !== "DELETED") this.observeNode(event.object);
  }

  private observeNode(node: KubeObject): void {
    const name = node.metadata.name ?? "";
    if (!this.ctx.nodeNames.includes(name)) return;
    const addresses = asObjects(asObject(node.status).addresses);
    const internal = addresses.find((a) => a.type === "InternalIP")?.address;
    if (typeof internal === "string") this.hostIps.set(name, internal);
    const cidr = asObject(node.spec).podCIDR;
    if (!this.allocators.has(name) && typeof cidr === "string") {
      try {
        this.allocators.set(name, new PodIpAllocator(cidr));
      } catch (err) {
        this.ctx.log(`kubelet: node ${name}: ${String(err)}`);
      }
    }
  }

  private observePod(event: StoredEvent): void {
    const pod = event.object;
    const key = `${event.namespace}/${pod.metadata.name ?? ""}`;
    const rec = this.records.get(key);
    if (event.type === "DELETED") {
      if (rec && rec.uid === pod.metadata.uid) this.remove(rec);
      return;
    }
    if (!this.allocators.has(String(asObject(pod.spec).nodeName ?? ""))) return;
    if (rec?.written === pod.metadata.resourceVersion) return;
    this.queue.add(key);
  }

  private wake(sourceKey: string): void {
    const pods = this.readers.get(sourceKey);
    if (!pods) return;
    for (const key of pods) {
      const rec = this.records.get(key);
      if (rec) rec.refresh = true;
      this.queue.add(key);
    }
  }

  private sync(key: string): void {
    const slash = key.indexOf("/");
    const pod = this.ctx.service.store.get(podsKey, key.slice(0, slash), key.slice(slash + 1));
    if (!pod) return;
    const nodeName = String(asObject(pod.spec).nodeName ?? "");
    if (!this.allocators.has(nodeName)) return;
    let rec = this.records.get(key);
    if (rec && rec.uid !== pod.metadata.uid) {
      this.remove(rec);
      rec = undefined;
    }
    rec ??= this.admit(key, pod, nodeName);
    if (pod.metadata.deletionTimestamp) return this.kill(rec, pod);
    if (rec.run.stage === "waiting") return this.prepare(rec, pod);
    if (rec.run.stage === "running" && rec.refresh) this.refreshVolumes(rec, pod);
    this.writeStatus(rec, pod);
  }

  private admit(key: string, pod: KubeObject, nodeName: string): PodRecord {
    const rec: PodRecord = {
      key,
      uid: pod.metadata.uid ?? "",
      namespace: pod.metadata.namespace ?? "",
      nodeName,
      run: { stage: "waiting", startTime: now(), hostIP: this.hostIps.get(nodeName) ?? "", containers: new Map(), initContainers: new Map() },
      disk: Promise.resolve(),
      starting: false,
      laidOut: false,
      reported: new Set(),
      sources: [],
      refresh: false,
      digests: new Map(),
      backOffReported: false,
      gone: false,
    };
    this.records.set(key, rec);
    return rec;
  }

  /** Waits for the pod's volumes, lays them out, then starts the containers. */
  private prepare(rec: PodRecord, pod: KubeObject): void {
    if (rec.starting) {
      if (rec.laidOut) this.startContainers(rec, pod);
      return;
    }
    const plan = planVolumes(this.ctx.dataDir, pod, this.ctx.service.store);
    this.track(rec, plan.sources);
    rec.refresh = false;
    if (plan.errors.length > 0 || plan.waiting) {
      for (const message of plan.errors) {
        if (rec.reported.has(message)) continue;
        rec.reported.add(message);
        this.ctx.events.record(component, pod, "Warning", "FailedMount", message);
      }
      this.writeStatus(rec, pod);
      return;
    }
    rec.starting = true;
    for (const l of plan.layouts) if (l.kind === "files") rec.digests.set(l.volume, l.digest);
    const dir = podDir(this.ctx.dataDir, rec.nodeName, rec.uid);
    const laidOut = this.onDisk(rec, async () => {
      await mkdir(dir, { recursive: true });
      await Promise.all(plan.layouts.map((l) => layOut(l)));
    });
    // A pod without volumes has nothing to wait for; its directory is made meanwhile.
    if (plan.layouts.length === 0) {
      rec.laidOut = true;
      this.startContainers(rec, pod);
      return;
    }
    void laidOut.then(() => {
      rec.laidOut = true;
      if (!rec.gone) this.queue.add(rec.key);
    });
  }

  /** The sandbox gets its address, init containers run to completion, then the containers start. */
  private startContainers(rec: PodRecord, pod: KubeObject): void {
    const spec = asObject(pod.spec);
    const minor = this.ctx.service.minor;
    rec.run.podIP = this.allocators.get(rec.nodeName)!.allocate(rec.uid);
    const startedAt = now();
    const start = (container: JsonObject, runs: Map<string, ContainerRun>) => {
      runs.set(String(container.name ?? ""), { containerID: newContainerId(), startedAt, restartCount: 0, lastState: {} });
      for (const e of containerStartEvents(container, minor)) this.ctx.events.record(component, pod, e.type, e.reason, e.message);
    };
    for (const c of asObjects(spec.initContainers)) start(c, rec.run.initContainers);
    for (const c of asObjects(spec.containers)) start(c, rec.run.containers);
    rec.run.stage = "running";
    this.writeStatus(rec, pod, true);
    const policy = spec.restartPolicy ?? "Always";
    if (policy !== "Always" || requestedExitCode(pod.metadata.annotations) !== undefined) this.runs.add(rec, this.ctx.settings.jobPodRunMs);
  }

  /**
   * The containers' process ends with the exit code the pod asks for (0 by default). With
   * restartPolicy Never, or OnFailure and success, the pod ends Succeeded or Failed;
   * otherwise the containers restart and run again.
   */
  private containersExit(rec: PodRecord): void {
    if (rec.gone || rec.run.stage !== "running") return;
    const [namespace, name] = [rec.namespace, rec.key.slice(rec.namespace.length + 1)];
    const pod = this.ctx.service.store.get(podsKey, namespace, name);
    if (!pod || pod.metadata.uid !== rec.uid || pod.metadata.deletionTimestamp) return;
    const spec = asObject(pod.spec);
    const exitCode = requestedExitCode(pod.metadata.annotations) ?? 0;
    const reason = exitCode === 0 ? "Completed" : "Error";
    const policy = spec.restartPolicy ?? "Always";
    const at = now();
    if (policy === "Never" || (policy === "OnFailure" && exitCode === 0)) {
      for (const run of rec.run.containers.values()) run.terminated = { exitCode, reason, finishedAt: at };
      this.endSidecars(rec, pod, at);
      rec.run.stage = "terminated";
      rec.run.phase = exitCode === 0 ? "Succeeded" : "Failed";
      this.writeStatus(rec, pod, true);
      return;
    }
    for (const run of rec.run.containers.values()) {
      run.lastState = { terminated: { exitCode, reason, startedAt: run.startedAt, finishedAt: at, containerID: run.containerID } };
      run.restartCount++;
      run.containerID = newContainerId();
      run.startedAt = at;
    }
    if (exitCode !== 0 && !rec.backOffReported) {
      rec.backOffReported = true;
      const first = String(asObjects(spec.containers)[0]?.name ?? "");
      this.ctx.events.record(component, pod, "Warning", "BackOff", `Back-off restarting failed container ${first} in pod ${name}_${namespace}(${rec.uid})`);
    }
    this.writeStatus(rec, pod, true);
    this.runs.add(rec, this.ctx.settings.jobPodRunMs);
  }

  /** Sidecars are stopped once the main containers have ended. */
  private endSidecars(rec: PodRecord, pod: KubeObject, at: string, end: { exitCode: number; reason: string } = { exitCode: 0, reason: "Completed" }): void {
    const minor = this.ctx.service.minor;
    for (const c of asObjects(asObject(pod.spec).initContainers)) {
      const run = rec.run.initContainers.get(String(c.name ?? ""));
      if (run && isSidecar(c, minor) && !run.terminated) run.terminated = { ...end, finishedAt: at };
    }
  }

  /**
   * A pod marked for deletion (held by finalizers) on this node: its containers are stopped,
   * its status says so, and the kubelet asks for the final delete, as the status manager does
   * once a pod's containers are gone. The runtime sends SIGTERM and a process that dies of it
   * exits 143 (128 + 15), as containerd reports for a typical server; 0 would need a process
   * that handles SIGTERM and exits cleanly, 137 one that ignores it until the SIGKILL after the
   * grace period (a shell's `sleep` as PID 1). Since 1.27 such a pod ends in a terminal phase:
   * Failed, since a container exited non-zero (getPhase with podIsTerminal).
   */
  private kill(rec: PodRecord, pod: KubeObject): void {
    if (rec.run.stage !== "terminated") {
      const at = now();
      const minor = this.ctx.service.minor;
      for (const c of asObjects(asObject(pod.spec).containers)) {
        const run = rec.run.containers.get(String(c.name ?? ""));
        if (!run) continue;
        run.terminated = { ...killedBySigterm, finishedAt: at };
        this.ctx.events.record(component, pod, "Normal", "Killing", `Stopping container ${String(c.name ?? "")}`);
      }
      this.endSidecars(rec, pod, at, killedBySigterm);
      const started = rec.run.stage === "running";
      rec.run.stage = "terminated";
      rec.run.phase = minor >= 27 ? "Failed" : "Running";
      if (started || minor >= 27) this.writeStatus(rec, pod);
    }
    try {
      this.ctx.client.delete(podsKey, pod, { preconditions: { uid: rec.uid } });
    } catch (err) {
      this.ctx.log(`kubelet: delete pod ${rec.key}: ${String(err)}`);
    }
  }

  /** Rewrites configMap, secret, downwardAPI and projected volumes whose content changed, as the kubelet's periodic sync does. */
  private refreshVolumes(rec: PodRecord, pod: KubeObject): void {
    rec.refresh = false;
    const plan = planVolumes(this.ctx.dataDir, pod, this.ctx.service.store);
    const changed: VolumeLayout[] = [];
    for (const l of plan.layouts) {
      if (l.kind !== "files" || rec.digests.get(l.volume) === l.digest) continue;
      rec.digests.set(l.volume, l.digest);
      changed.push(l);
    }
    if (changed.length > 0) void this.onDisk(rec, () => Promise.all(changed.map((l) => layOut(l))).then(() => {}));
  }

  /**
   * Posts the pod's status as a kubelet's pods/status update does: status only, the rest
   * as stored. Written to the store directly, since thousands of pods start at once and a
   * status write needs none of the checks a client's update goes through. `changed` skips
   * the comparison for transitions that always change the status.
   */
  private writeStatus(rec: PodRecord, pod: KubeObject, changed = false): void {
    const status = generatePodStatus(this.ctx.service.minor, pod, rec.run);
    if (!changed && JSON.stringify(status) === JSON.stringify(pod.status ?? {})) return;
    const written = this.ctx.service.store.update(podsKey, { ...pod, status });
    rec.written = written.metadata.resourceVersion;
  }

  /** The pod is gone: its address is free, its timers void, and its directory is removed. */
  private remove(rec: PodRecord): void {
    rec.gone = true;
    this.records.delete(rec.key);
    this.track(rec, []);
    this.allocators.get(rec.nodeName)?.release(rec.uid);
    const dir = podDir(this.ctx.dataDir, rec.nodeName, rec.uid);
    // rm does not follow symbolic links: a claim's PersistentVolume directory stays.
    void this.onDisk(rec, () => rm(dir, { recursive: true, force: true }));
  }

  private onDisk(rec: PodRecord, work: () => Promise<unknown>): Promise<void> {
    // A stopped kubelet starts no disk work: the emulator is about to remove the data directory.
    rec.disk = rec.disk.then(() => (this.stopped ? undefined : work())).then(
      () => {},
      (err: unknown) => this.ctx.log(`kubelet: pod ${rec.key} on ${rec.nodeName}: ${String(err)}`),
    );
    const pending = rec.disk;
    this.pendingDisk.add(pending);
    void pending.then(() => this.pendingDisk.delete(pending));
    return pending;
  }

  private track(rec: PodRecord, sources: string[]): void {
    const next = sources.map((s) => {
      const bar = s.indexOf("|");
      return `${s.slice(0, bar)}|${rec.namespace}|${s.slice(bar + 1)}`;
    });
    for (const s of rec.sources) if (!next.includes(s)) this.readers.get(s)?.delete(rec.key);
    for (const s of next) {
      let pods = this.readers.get(s);
      if (!pods) this.readers.set(s, (pods = new Set()));
      pods.add(rec.key);
    }
    for (const s of rec.sources) if (this.readers.get(s)?.size === 0) this.readers.delete(s);
    rec.sources = next;
  }
}
