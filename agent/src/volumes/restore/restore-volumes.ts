// Volume data into restored claims. Ordering, not an init container, keeps the application from
// seeing an empty volume: right after the tier that creates the claims, each claim with data gets
// a data-mover pod (which makes the cluster provision the volume, also for WaitForFirstConsumer
// classes), the node agent of the pod's node writes the backup's tree into the volume, the mover
// pod goes, and only then do the later tiers create the pods and workloads that mount the claim.
import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { VolumeRestoreSchema, type RepositoryAccess, type VolumeBackup, type VolumeRestore } from "@lifeboat/proto";
import pLimit from "p-limit";
import { RESTORE_ID_LABEL, type VolumeRestoreResult, type VolumeRestoreSpec } from "../contract.js";
import type { DataMoverConfig } from "../data-mover-config.js";
import { ensureDataMoverSetup } from "../data-mover-setup.js";
import { CORE, type KubeObjects } from "../kube-objects.js";
import { deleteMoverPod, MOVER_VOLUME, startMoverPod } from "../mover-pod.js";
import { deleteRepositorySecret, putRepositorySecret, shortHash } from "../repository-secret.js";
import { VolumeStageProgress, type CounterSink } from "../volume-progress.js";
import { deleteVolumeTasks, runVolumeTask } from "../volume-task.js";

type Json = Record<string, any>;

/** A restored claim whose data the backup holds. */
export interface ClaimWithData {
  /** In the target, after namespace mapping. */
  namespace: string;
  claim: string;
  source: VolumeBackup;
}

export interface VolumeRestorerOptions {
  kube: KubeObjects;
  restoreId: string;
  access: RepositoryAccess;
  config: DataMoverConfig;
  progress: CounterSink;
  /** Volumes the restore will write, for the progress total. */
  planned: number;
  onFailure(volume: VolumeRestore): void;
  concurrency?: number;
  signal?: AbortSignal;
}

/** Writes claims' data as the apply stage creates them; `finish` removes what it set up. */
export class VolumeRestorer {
  readonly results: VolumeRestore[] = [];
  #secret: Promise<string> | undefined;
  readonly #limit: ReturnType<typeof pLimit>;
  readonly #progress: VolumeStageProgress;

  constructor(private readonly options: VolumeRestorerOptions) {
    this.#limit = pLimit(options.concurrency ?? 4);
    this.#progress = new VolumeStageProgress(options.progress, options.planned);
  }

  /** Restores each claim's data; never throws for one volume (it fails alone, with its reason). */
  async restore(claims: readonly ClaimWithData[]): Promise<void> {
    if (claims.length === 0) return;
    await Promise.all(claims.map((claim) => this.#limit(() => this.#restoreOne(claim))));
  }

  /** A claim whose data is not written, with why (it existed already, or was not created). */
  notRestored(claim: ClaimWithData, reason: string): void {
    this.#progress.finish(`${claim.namespace}/${claim.claim}`);
    this.results.push(create(VolumeRestoreSchema, { namespace: claim.namespace, claim: claim.claim, snapshotId: claim.source.snapshotId, succeeded: false, error: reason }));
  }

  async finish(): Promise<void> {
    const { kube, config, restoreId } = this.options;
    if (!this.#secret) return;
    await deleteRepositorySecret(kube, config.namespace, await this.#secret.catch(() => ""));
    await deleteVolumeTasks(kube, "restores", config.namespace, `${RESTORE_ID_LABEL}=${restoreId}`);
  }

  #setUp(): Promise<string> {
    const { kube, config, restoreId, access, signal } = this.options;
    this.#secret ??= (async () => {
      await ensureDataMoverSetup(kube, config.namespace, signal);
      return putRepositorySecret(kube, config.namespace, { [RESTORE_ID_LABEL]: restoreId }, restoreId, access, signal);
    })();
    return this.#secret;
  }

  async #restoreOne(target: ClaimWithData): Promise<void> {
    const { kube, config, restoreId, signal } = this.options;
    const key = `${target.namespace}/${target.claim}`;
    const started = Date.now();
    const name = `lifeboat-restore-${shortHash(`${restoreId}/${key}`, 12)}`;
    const labels = { [RESTORE_ID_LABEL]: restoreId };
    let node = "";
    let persistentVolume = "";
    let storageClass = "";
    try {
      const secret = await this.#setUp();
      const mover = await startMoverPod(kube, { namespace: target.namespace, name, claim: target.claim, labels, image: config.moverImage, readOnly: false }, config.stallTimeoutMs, signal);
      node = mover.node;
      persistentVolume = mover.persistentVolume;
      const claim = await kube.get<Json>(CORE.claims, target.namespace, target.claim, signal);
      storageClass = String(claim?.spec?.storageClassName ?? "");
      const spec: VolumeRestoreSpec = {
        node: mover.node,
        pod: { namespace: target.namespace, name, uid: mover.uid },
        volume: MOVER_VOLUME,
        dirName: mover.persistentVolume,
        restoreId,
        repositorySecret: secret,
        tree: target.source.snapshotId,
      };
      const { result } = await runVolumeTask<VolumeRestoreSpec, VolumeRestoreResult>(kube, "restores", spec, {
        namespace: config.namespace,
        name: `vr-${shortHash(`${restoreId}/${key}`, 20)}`,
        labels,
        stallTimeoutMs: config.stallTimeoutMs,
        signal,
        onProgress: (progress) => this.#progress.update(key, { ...progress, bytesTotal: progress.bytesTotal ?? Number(target.source.bytes) }),
      });
      this.#progress.finish(key, result.bytes);
      this.results.push(
        create(VolumeRestoreSchema, {
          namespace: target.namespace,
          claim: target.claim,
          persistentVolume,
          storageClass,
          snapshotId: target.source.snapshotId,
          succeeded: true,
          bytes: BigInt(result.bytes),
          files: BigInt(result.files),
          node,
          duration: durationFromMs(Date.now() - started),
        }),
      );
    } catch (err) {
      signal?.throwIfAborted();
      this.#progress.finish(key);
      const failed = create(VolumeRestoreSchema, {
        namespace: target.namespace,
        claim: target.claim,
        persistentVolume,
        storageClass,
        snapshotId: target.source.snapshotId,
        succeeded: false,
        error: (err as Error).message,
        node,
        duration: durationFromMs(Date.now() - started),
      });
      this.results.push(failed);
      this.options.onFailure(failed);
    } finally {
      // The application's pods come next: the volume must be free for them.
      await deleteMoverPod(kube, target.namespace, name).catch(() => undefined);
    }
  }
}
