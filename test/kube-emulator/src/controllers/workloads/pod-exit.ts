/**
 * How a test makes a pod's containers exit: the emulator runs no processes, so a pod
 * annotated `emulator.lifeboat.dev/exit-code: "<n>"` ends as if its containers exited with
 * code n (0 succeeds). The kubelet emulation reads it; with restartPolicy Never the pod goes
 * Failed (containers terminated, reason Error, that exit code), with OnFailure the container
 * restarts and its restartCount grows while the pod stays Running, as a crash-looping
 * container does. A Job's backoffLimit counts either.
 */
export const podExitCodeAnnotation = "emulator.lifeboat.dev/exit-code";

/** The exit code a pod is told to end with, if its annotation holds an integer. */
export function requestedExitCode(annotations: Record<string, string> | undefined): number | undefined {
  const raw = annotations?.[podExitCodeAnnotation];
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}
