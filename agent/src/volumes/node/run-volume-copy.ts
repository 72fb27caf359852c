// One taken object from start to end: read its repository access, run the copy with progress in
// its status, and write the outcome (Completed with the result, or Failed with why).
import { isLifeboatError } from "@lifeboat/shared";
import type { Logger } from "pino";
import { VOLUME_RESOURCES, type VolumeBackupObject, type VolumeLocation, type VolumeRestoreObject } from "../contract.js";
import type { KubeObjects } from "../kube-objects.js";
import { backUpVolume } from "./back-up-volume.js";
import type { CopyContext } from "./copy-context.js";
import { ProgressReporter } from "./progress-reporter.js";
import { readRepositoryAccess } from "./repository-access.js";
import { restoreVolume } from "./restore-volume.js";
import { describeVolume } from "./volume-root.js";

export type VolumeCopy = { kind: "backups"; object: VolumeBackupObject } | { kind: "restores"; object: VolumeRestoreObject };

export interface CopyRunContext {
  kube: KubeObjects;
  kubeletRoot: string;
  logger: Logger;
  signal: AbortSignal;
  openRepository: CopyContext["openRepository"];
  progressPeriodMs?: number;
}

/**
 * Runs `copy` (already taken by this process) and patches its outcome. A copy stopped by
 * `signal` (the node agent is stopping) is handed back: phase "" so the next process takes it.
 * Never throws; a status that cannot be written is logged.
 */
export async function runVolumeCopy(copy: VolumeCopy, context: CopyRunContext): Promise<void> {
  const { kube, signal } = context;
  const ref = VOLUME_RESOURCES[copy.kind];
  const { namespace, name } = copy.object.metadata;
  const spec: VolumeLocation & { repositorySecret: string } = copy.object.spec;
  const logger = context.logger.child({ kind: ref.kind, name, volume: `${spec.pod.namespace}/${spec.pod.name}/${spec.volume}` });
  const patchStatus = (status: object) => kube.mergePatch(ref, namespace, name, { status });
  const reporter = new ProgressReporter(
    (progress) => patchStatus({ progress }).then(() => undefined),
    (err) => logger.warn({ reason: errorMessage(err) }, "progress not written"),
    context.progressPeriodMs,
  );
  const started = Date.now();
  try {
    const access = await readRepositoryAccess(kube, namespace, spec.repositorySecret, signal);
    const copyContext: CopyContext = {
      kubeletRoot: context.kubeletRoot,
      access,
      progress: (counters) => reporter.update(counters),
      logger,
      signal,
      openRepository: context.openRepository,
    };
    logger.info(copy.kind === "backups" ? "backing up volume" : "restoring volume");
    const result = copy.kind === "backups" ? await backUpVolume(copy.object.spec, copyContext) : await restoreVolume(copy.object.spec, copyContext);
    await reporter.stop();
    await patchStatus({ phase: "Completed", progress: reporter.snapshot(), result });
    logger.info({ ...result, seconds: Math.round((Date.now() - started) / 100) / 10 }, copy.kind === "backups" ? "volume backed up" : "volume restored");
  } catch (err) {
    await reporter.stop();
    if (signal.aborted) {
      await patchStatus({ phase: "", nodeAgent: null, progress: null }).catch((e: unknown) => logger.warn({ reason: errorMessage(e) }, "could not hand the copy back"));
      logger.info("copy stopped with the node agent; handed back");
      return;
    }
    const verb = copy.kind === "backups" ? "backup" : "restore";
    const cause = errorMessage(err);
    // The volume-not-found message already names the volume.
    const message = isLifeboatError(err) && err.field === "spec.pod.uid" ? cause : `${verb} of ${describeVolume(spec)} on node ${spec.node} failed: ${cause}`;
    logger.error({ reason: message }, `volume ${verb} failed`);
    await patchStatus({ phase: "Failed", message, progress: reporter.snapshot() }).catch((e: unknown) => logger.error({ reason: errorMessage(e) }, "could not mark the copy Failed"));
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
