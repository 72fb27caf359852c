import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import type { JsonObject, KubeObject } from "../../../api-types.js";
import { persistentVolumeDir, snapshotDir } from "../../../kubelet/volume-layout.js";
import type { StoredEvent } from "../../../store/index.js";
import type { ControllerContext } from "../../controller.js";
import type { EventType } from "../../events.js";
import type { BackgroundWork } from "../background-work.js";
import { claimKey } from "../claim-matching.js";
import { canonicalBytes } from "../quantity.js";
import { RetryingQueue } from "../retrying-queue.js";
import { claimsKey } from "../storage-names.js";
import { snapshotInput, type SnapshotInput } from "./snapshot-input.js";
import { snapshotApiVersion, snapshotClassesKey, snapshotContentsKey, snapshotsKey } from "./snapshot-names.js";
import { copyTree } from "./tree-copy.js";

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});
const keyOf = (obj: KubeObject): string => claimKey(obj.metadata.namespace ?? "", obj.metadata.name ?? "");
const isReady = (snapshot: KubeObject): boolean => asObject(snapshot.status).readyToUse === true && !!asObject(snapshot.status).boundVolumeSnapshotContentName;

/**
 * The snapshot-controller and the CSI drivers' csi-snapshotter sidecars in one loop
 * (kubernetes-csi/external-snapshotter): a VolumeSnapshot of a claim gets a point-in-time
 * copy of the claim's volume directory in <dataDir>/snapshots/<handle>, a
 * VolumeSnapshotContent `snapcontent-<snapshot uid>` that records it, and a ready status;
 * a snapshot naming a pre-provisioned content is bound to it. Deleting a snapshot deletes its
 * content when the deletionPolicy is Delete, and deleting such a content its data.
 */
export class SnapshotController {
  private readonly component = "snapshot-controller";
  private readonly snapshots: RetryingQueue<string>;
  /** Snapshots whose copy is being taken. */
  private readonly taking = new Set<string>();
  /** The last error told about each snapshot (by uid), so retries do not repeat it. */
  private readonly told = new Map<string, string>();
  private stopped = false;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly background: BackgroundWork,
  ) {
    this.snapshots = new RetryingQueue((key) => this.sync(key), (key, err) => ctx.log(`snapshot-controller: snapshot ${key}: ${String(err)}`));
  }

  start(): void {
    for (const snapshot of this.ctx.service.store.list(snapshotsKey).items) this.snapshots.add(keyOf(snapshot));
  }

  stop(): void {
    this.stopped = true;
    this.snapshots.stop();
  }

  observe(event: StoredEvent): void {
    const { object } = event;
    switch (event.storageKey) {
      case snapshotsKey:
        if (event.type === "DELETED") this.snapshotDeleted(object);
        else if (!isReady(object)) this.snapshots.add(keyOf(object));
        return;
      case snapshotContentsKey:
        if (event.type === "DELETED") this.contentDeleted(object);
        return;
      case claimsKey:
        // A claim that binds lets the snapshots of it go ahead.
        if (event.type !== "DELETED" && asObject(object.status).phase === "Bound") this.wake((s) => s.metadata.namespace === object.metadata.namespace && claimNameOf(s) === object.metadata.name);
        return;
      case snapshotClassesKey:
        if (event.type !== "DELETED") this.wake(() => true);
        return;
    }
  }

  private wake(matches: (snapshot: KubeObject) => boolean): void {
    for (const snapshot of this.ctx.service.store.list(snapshotsKey).items) if (!isReady(snapshot) && matches(snapshot)) this.snapshots.add(keyOf(snapshot));
  }

  private getSnapshot(key: string): KubeObject | undefined {
    const slash = key.indexOf("/");
    return this.ctx.service.store.get(snapshotsKey, key.slice(0, slash), key.slice(slash + 1));
  }

  private sync(key: string): void | "retry" {
    const snapshot = this.getSnapshot(key);
    if (!snapshot || snapshot.metadata.deletionTimestamp || isReady(snapshot) || this.taking.has(key)) return;
    const staticContent = asObject(asObject(snapshot.spec).source).volumeSnapshotContentName;
    const contentName = typeof staticContent === "string" && staticContent !== "" ? staticContent : `snapcontent-${snapshot.metadata.uid ?? ""}`;
    const content = this.ctx.service.store.get(snapshotContentsKey, "", contentName);
    if (content && asObject(content.status).readyToUse === true) {
      this.markReady(snapshot, content);
      return;
    }
    if (contentName === staticContent) {
      this.fail(snapshot, "SnapshotContentMissing", "VolumeSnapshotContent is missing");
      return "retry";
    }
    if (content) return "retry";
    const result = snapshotInput(snapshot, { get: (k, ns, n) => this.ctx.service.store.get(k, ns, n), list: (k) => this.ctx.service.store.list(k).items });
    if (!result.ok) {
      this.fail(snapshot, result.reason, result.message);
      return "retry";
    }
    let current = snapshot;
    if (result.input.defaultedClass) {
      // SetDefaultSnapshotClass writes the chosen class into the snapshot's spec.
      current = this.ctx.client.update(snapshotsKey, { ...snapshot, spec: { ...asObject(snapshot.spec), volumeSnapshotClassName: result.input.snapshotClass.metadata.name ?? "" } });
    }
    this.take(key, current, result.input);
  }

  /** CreateSnapshot: the volume's directory copied off the event loop, then the content and the status. */
  private take(key: string, snapshot: KubeObject, input: SnapshotInput): void {
    const name = `${snapshot.metadata.namespace ?? ""}/${snapshot.metadata.name ?? ""}`;
    this.record(snapshot, "Normal", "CreatingSnapshot", `Waiting for a snapshot ${name} to be created by the CSI driver.`);
    const handle = randomUUID();
    const takenAt = Date.now();
    const target = snapshotDir(this.ctx.dataDir, handle);
    this.taking.add(key);
    this.background.track(copyTree(persistentVolumeDir(this.ctx.dataDir, input.volume.metadata.name ?? ""), target)).then(
      () => {
        this.taking.delete(key);
        if (this.stopped) return;
        try {
          if (!this.recordSnapshot(key, snapshot.metadata.uid ?? "", input, handle, takenAt)) void this.background.track(rm(target, { recursive: true, force: true }));
        } catch (err) {
          this.ctx.log(`snapshot-controller: snapshot ${key}: ${String(err)}`);
          void this.background.track(rm(target, { recursive: true, force: true }));
          this.snapshots.retryLater(key);
        }
      },
      (err: unknown) => {
        this.taking.delete(key);
        void this.background.track(rm(target, { recursive: true, force: true }));
        if (this.stopped) return;
        const current = this.getSnapshot(key);
        if (current) this.fail(current, "SnapshotContentCheckandUpdateFailed", `Failed to check and update snapshot content: failed to take snapshot of the volume ${input.volumeHandle}: ${String(err)}`);
        this.snapshots.retryLater(key);
      },
    );
  }

  /** The content for a copy just taken, unless its snapshot went meanwhile; false when the copy is not needed. */
  private recordSnapshot(key: string, uid: string, input: SnapshotInput, handle: string, takenAt: number): boolean {
    const snapshot = this.getSnapshot(key);
    if (!snapshot || snapshot.metadata.uid !== uid || snapshot.metadata.deletionTimestamp) return false;
    const contentName = `snapcontent-${uid}`;
    const created = this.ctx.client.create(snapshotContentsKey, {
      apiVersion: snapshotApiVersion,
      kind: "VolumeSnapshotContent",
      metadata: { name: contentName },
      spec: {
        deletionPolicy: typeof input.snapshotClass.deletionPolicy === "string" ? input.snapshotClass.deletionPolicy : "Delete",
        driver: input.driver,
        source: { volumeHandle: input.volumeHandle },
        volumeSnapshotClassName: input.snapshotClass.metadata.name ?? "",
        volumeSnapshotRef: {
          apiVersion: snapshotApiVersion,
          kind: "VolumeSnapshot",
          name: snapshot.metadata.name ?? "",
          namespace: snapshot.metadata.namespace ?? "",
          resourceVersion: snapshot.metadata.resourceVersion ?? "",
          uid,
        },
      },
    });
    // The sidecar reports creationTime in nanoseconds and restoreSize in bytes.
    const content = this.ctx.client.updateStatus(snapshotContentsKey, {
      ...created,
      status: { creationTime: takenAt * 1_000_000, readyToUse: true, restoreSize: Number(input.restoreBytes), snapshotHandle: handle },
    });
    const name = `${snapshot.metadata.namespace ?? ""}/${snapshot.metadata.name ?? ""}`;
    this.record(snapshot, "Normal", "SnapshotCreated", `Snapshot ${name} was successfully created by the CSI driver.`);
    this.markReady(snapshot, content);
    return true;
  }

  /** The snapshot's status from its content's. */
  private markReady(snapshot: KubeObject, content: KubeObject): void {
    const contentStatus = asObject(content.status);
    const nanos = typeof contentStatus.creationTime === "number" ? contentStatus.creationTime : Date.now() * 1_000_000;
    const bytes = typeof contentStatus.restoreSize === "number" ? contentStatus.restoreSize : 0;
    const { error: _cleared, ...status } = asObject(snapshot.status);
    this.ctx.client.updateStatus(snapshotsKey, {
      ...snapshot,
      status: {
        ...status,
        boundVolumeSnapshotContentName: content.metadata.name ?? "",
        // metav1.Time: whole seconds.
        creationTime: `${new Date(Math.floor(nanos / 1_000_000)).toISOString().slice(0, 19)}Z`,
        readyToUse: true,
        restoreSize: canonicalBytes(String(bytes)) ?? "0",
      },
    });
    this.told.delete(snapshot.metadata.uid ?? "");
    this.record(snapshot, "Normal", "SnapshotReady", `Snapshot ${snapshot.metadata.namespace ?? ""}/${snapshot.metadata.name ?? ""} is ready to use.`);
  }

  /** updateSnapshotErrorStatusWithEvent: status.error and readyToUse false, and a Warning event; once per message. */
  private fail(snapshot: KubeObject, reason: string, message: string): void {
    const uid = snapshot.metadata.uid ?? "";
    if (this.told.get(uid) === message) return;
    this.told.set(uid, message);
    this.ctx.client.updateStatus(snapshotsKey, { ...snapshot, status: { ...asObject(snapshot.status), error: { message, time: new Date().toISOString().slice(0, 19) + "Z" }, readyToUse: false } });
    this.record(snapshot, "Warning", reason, message);
  }

  /** A deleted snapshot takes its content along when the content's policy is Delete. */
  private snapshotDeleted(snapshot: KubeObject): void {
    const uid = snapshot.metadata.uid ?? "";
    this.told.delete(uid);
    const bound = asObject(snapshot.status).boundVolumeSnapshotContentName;
    const contentName = typeof bound === "string" && bound !== "" ? bound : `snapcontent-${uid}`;
    const content = this.ctx.service.store.get(snapshotContentsKey, "", contentName);
    if (!content || content.metadata.deletionTimestamp) return;
    const spec = asObject(content.spec);
    if (asObject(spec.volumeSnapshotRef).uid === uid && spec.deletionPolicy === "Delete") this.ctx.client.delete(snapshotContentsKey, content);
  }

  /** DeleteSnapshot: a Delete-policy content's data goes with it; a Retain one's stays. */
  private contentDeleted(content: KubeObject): void {
    const handle = asObject(content.status).snapshotHandle;
    if (asObject(content.spec).deletionPolicy !== "Delete" || !isPlainName(handle)) return;
    void this.background.track(rm(snapshotDir(this.ctx.dataDir, handle), { recursive: true, force: true }));
  }

  private record(snapshot: KubeObject, type: EventType, reason: string, message: string): void {
    this.ctx.events.record(this.component, snapshot, type, reason, message);
  }
}

function claimNameOf(snapshot: KubeObject): unknown {
  return asObject(asObject(snapshot.spec).source).persistentVolumeClaimName;
}

/** A handle that names a directory inside <dataDir>/snapshots (a content's handle may be anyone's text). */
function isPlainName(handle: unknown): handle is string {
  return typeof handle === "string" && handle !== "" && handle !== "." && handle !== ".." && !handle.includes("/");
}
