// restic's side of the volume benchmark: the repository benchmark's restic engine (its own
// repository and a fresh HOME for its default cache, under /usr/bin/time -v) on the claim's
// directory, with the machine's load read around each command.
import { mkdir } from "node:fs/promises";
import { createEngine, type Engine } from "../repository/engines.js";
import type { Measured } from "../repository/measure.js";
import { watchLoad } from "./load-watch.js";
import type { ResticPhase } from "./report.js";

async function withLoad(run: () => Promise<Measured>): Promise<ResticPhase> {
  const endLoad = watchLoad();
  const measured = await run();
  return { wallS: measured.wallS, peakRssMiB: measured.peakRssMiB, cpuS: measured.cpuS, ...endLoad() };
}

export class ResticSide {
  private constructor(private readonly engine: Engine) {}

  /** A fresh restic repository under `work` (created). */
  static async create(work: string): Promise<ResticSide> {
    await mkdir(work, { recursive: true });
    const engine = await createEngine("restic", work);
    await engine.init();
    return new ResticSide(engine);
  }

  backup(dir: string): Promise<ResticPhase> {
    return withLoad(() => this.engine.backup(dir));
  }

  /** `restore latest --target <fresh dir>`; returns the phase and the directory that holds `dir`'s copy. */
  async restore(dir: string): Promise<{ phase: ResticPhase; restoredRoot: string }> {
    let restoredRoot = "";
    const phase = await withLoad(async () => {
      const { measured, restoredRoot: root } = await this.engine.restore(dir);
      restoredRoot = root;
      return measured;
    });
    return { phase, restoredRoot };
  }

  dropRestore(): Promise<void> {
    return this.engine.dropRestore();
  }
}
