// The two backup programs under test, behind one shape. Each engine gets its own work
// directory (repository, password, cache, restore target) so nothing is shared between them
// but the data being backed up.
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { treeBytes } from "./dataset.js";
import { measureOk, type Measured } from "./measure.js";
import { which } from "./tools.js";

export type EngineName = "restic" | "lifeboat";
export const ENGINE_NAMES: readonly EngineName[] = ["restic", "lifeboat"];

export interface Engine {
  readonly name: EngineName;
  /** A fresh, empty repository. */
  init(): Promise<void>;
  /** A snapshot of `dir`; the engine finds the previous snapshot of the same path itself. */
  backup(dir: string): Promise<Measured>;
  /**
   * Restores the newest snapshot of `sourceDir` under a fresh target; returns the measurement
   * and the directory that corresponds to `sourceDir`.
   */
  restore(sourceDir: string): Promise<{ measured: Measured; restoredRoot: string }>;
  /** Bytes the repository holds (apparent size of its files). */
  repositoryBytes(): Promise<number>;
  /** Removes the last restore's target. */
  dropRestore(): Promise<void>;
}

const PASSWORD = "lifeboat-benchmark-password";

export const LIFEBOAT_CLI = fileURLToPath(new URL("../../../hub/dist/cli/main.js", import.meta.url));

/**
 * Lifeboat's command lines, in one place: adjust here when the CLI's shape changes.
 * `snapshot` prints JSON carrying the snapshot's `id`.
 */
export const LIFEBOAT_COMMANDS = {
  init: (repo: string, passwordFile: string) => ["repo", "init", "--repo", repo, "--password-file", passwordFile],
  snapshot: (repo: string, passwordFile: string, dir: string) => ["repo", "snapshot", dir, "--repo", repo, "--password-file", passwordFile, "--output", "json"],
  restore: (repo: string, passwordFile: string, id: string, target: string) => ["repo", "restore-snapshot", id, target, "--repo", repo, "--password-file", passwordFile],
  /** The snapshot id in `snapshot`'s output (the last JSON object printed with an `id`). */
  snapshotId(stdout: string): string {
    const lines = stdout.trim().split("\n").reverse();
    for (const line of lines) {
      try {
        const parsed = JSON.parse(line) as { id?: unknown };
        if (typeof parsed.id === "string") return parsed.id;
      } catch {
        // not JSON: progress or a multi-line document, tried whole below
      }
    }
    const whole = JSON.parse(stdout) as { id?: unknown };
    if (typeof whole.id !== "string") throw new Error(`no snapshot id in: ${stdout.slice(0, 500)}`);
    return whole.id;
  },
  /** Whether a restore of `source` to `target` recreates the tree at `target` itself (else at target + source's absolute path). */
  restoresAtTarget: true,
};

class Restic implements Engine {
  readonly name = "restic" as const;
  private readonly repo: string;
  private readonly target: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly bin: string;

  constructor(private readonly work: string) {
    this.repo = path.join(work, "repo");
    this.target = path.join(work, "restore");
    const bin = which("restic");
    if (!bin) throw new Error("restic is not installed");
    this.bin = bin;
    // Its default cache, in a HOME of its own: kept across the phases of a run (as on a real
    // host, where the cache is what makes an unchanged re-run fast), fresh for each run.
    this.env = {
      PATH: process.env.PATH,
      HOME: path.join(work, "home"),
      XDG_CACHE_HOME: path.join(work, "home", ".cache"),
      RESTIC_PASSWORD: PASSWORD,
      RESTIC_REPOSITORY: this.repo,
    };
  }

  async init(): Promise<void> {
    await mkdir(path.join(this.work, "home", ".cache"), { recursive: true });
    await measureOk("restic init", this.bin, ["init"], { env: this.env });
  }

  backup(dir: string): Promise<Measured> {
    return measureOk("restic backup", this.bin, ["backup", "--host", "bench", dir], { env: this.env });
  }

  async restore(sourceDir: string): Promise<{ measured: Measured; restoredRoot: string }> {
    await this.dropRestore();
    const measured = await measureOk("restic restore", this.bin, ["restore", "latest", "--host", "bench", "--path", sourceDir, "--target", this.target], { env: this.env });
    // restic recreates the absolute path of what it backed up under the target.
    return { measured, restoredRoot: path.join(this.target, sourceDir) };
  }

  async repositoryBytes(): Promise<number> {
    return (await treeBytes(this.repo)).bytes;
  }

  async dropRestore(): Promise<void> {
    await rm(this.target, { recursive: true, force: true });
  }
}

class Lifeboat implements Engine {
  readonly name = "lifeboat" as const;
  private readonly repoDir: string;
  private readonly repo: string;
  private readonly passwordFile: string;
  private readonly target: string;
  private latest: string | undefined;

  constructor(private readonly work: string) {
    this.repoDir = path.join(work, "repo");
    this.repo = `file://${this.repoDir}`;
    this.passwordFile = path.join(work, "password");
    this.target = path.join(work, "restore");
    if (!existsSync(LIFEBOAT_CLI)) throw new Error(`${LIFEBOAT_CLI} is missing: build first (npx turbo run build)`);
  }

  private run(what: string, args: string[]): Promise<Measured> {
    return measureOk(what, process.execPath, [LIFEBOAT_CLI, ...args], { env: { ...process.env, HOME: path.join(this.work, "home") } });
  }

  async init(): Promise<void> {
    await mkdir(path.join(this.work, "home"), { recursive: true });
    await writeFile(this.passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    await this.run("lifeboat repo init", LIFEBOAT_COMMANDS.init(this.repo, this.passwordFile));
  }

  async backup(dir: string): Promise<Measured> {
    const measured = await this.run("lifeboat repo snapshot", LIFEBOAT_COMMANDS.snapshot(this.repo, this.passwordFile, dir));
    this.latest = LIFEBOAT_COMMANDS.snapshotId(measured.stdout);
    return measured;
  }

  async restore(sourceDir: string): Promise<{ measured: Measured; restoredRoot: string }> {
    if (!this.latest) throw new Error("lifeboat: nothing backed up yet");
    await this.dropRestore();
    const measured = await this.run("lifeboat repo restore-snapshot", LIFEBOAT_COMMANDS.restore(this.repo, this.passwordFile, this.latest, this.target));
    return { measured, restoredRoot: LIFEBOAT_COMMANDS.restoresAtTarget ? this.target : path.join(this.target, sourceDir) };
  }

  async repositoryBytes(): Promise<number> {
    return (await treeBytes(this.repoDir)).bytes;
  }

  async dropRestore(): Promise<void> {
    await rm(this.target, { recursive: true, force: true });
  }
}

/** An engine working under `work` (created). */
export async function createEngine(name: EngineName, work: string): Promise<Engine> {
  await mkdir(work, { recursive: true });
  return name === "restic" ? new Restic(work) : new Lifeboat(work);
}
