// Peak memory of a long-running process over one phase: Linux keeps a process's peak RSS
// (VmHWM) since it started, and `echo 5 > /proc/<pid>/clear_refs` resets it to the current RSS,
// so a reset before the phase and a reading after give that phase's peak. Where the kernel
// refuses the reset (another user's process, an old kernel), VmRSS is sampled instead, which can
// miss a spike shorter than the sampling period: `exact` says which it was.
import { readMemory, resetPeak } from "../common/emulator-process.js";
import { MiB } from "../common/report.js";

export interface PhasePeak {
  /** Peak resident set size during the phase, MiB. */
  peakRssMiB: number;
  /** RSS when the phase ended, MiB. */
  endRssMiB: number;
  /** True when it is the kernel's VmHWM after a reset; false when sampled. */
  exact: boolean;
}

/** How a phase's peak is read; narrow so that tests can fake /proc. */
export interface MemoryProbe {
  read(pid: number): { rss: number; hwm: number };
  reset(pid: number): boolean;
}

export const procMemory: MemoryProbe = { read: readMemory, reset: resetPeak };

export interface PeakWatch {
  /** RSS when the phase started, MiB. */
  startRssMiB: number;
  /** Ends the phase: its peak. */
  end(): PhasePeak;
}

/**
 * Starts watching `pid`'s peak for one phase.
 * Throws when the process is gone at the start or the end (a node agent that died is a failed run).
 */
export function watchPeak(pid: number, probe: MemoryProbe = procMemory, sampleMs = 100): PeakWatch {
  const exact = probe.reset(pid);
  const start = probe.read(pid).rss;
  let sampled = start;
  const timer = exact
    ? undefined
    : setInterval(() => {
        try {
          sampled = Math.max(sampled, probe.read(pid).rss);
        } catch {
          // gone: the final reading says so
        }
      }, sampleMs);
  timer?.unref();
  return {
    startRssMiB: start / MiB,
    end() {
      if (timer) clearInterval(timer);
      const now = probe.read(pid);
      const peak = exact ? now.hwm : Math.max(sampled, now.rss);
      return { peakRssMiB: peak / MiB, endRssMiB: now.rss / MiB, exact };
    },
  };
}
