// The machine's load over one phase: other people's work on a shared machine inflates wall
// times, so each phase reports the 1-minute load average at its end and the highest seen during it.
import os from "node:os";

export interface PhaseLoad {
  load1: number;
  loadMax: number;
}

/** Starts sampling the 1-minute load average every `periodMs`; the returned function ends the phase. */
export function watchLoad(periodMs = 1000, loadavg: () => number[] = os.loadavg): () => PhaseLoad {
  let max = loadavg()[0]!;
  const timer = setInterval(() => {
    max = Math.max(max, loadavg()[0]!);
  }, periodMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    const load1 = loadavg()[0]!;
    return { load1, loadMax: Math.max(max, load1) };
  };
}
