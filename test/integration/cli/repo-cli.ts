import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, readlink, lstat, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanEnv, type CliResult } from "./support/cli.js";

// `lifeboat repo` runs from source: the CLI under tsx, with @lifeboat/shared mapped to its
// sources, so the repository code is tested as it stands, without a build first.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = join(ROOT, "hub/src/cli/main.ts");

export interface RepoCli {
  /** A scratch directory for repositories, trees and password files; removed by `cleanup`. */
  dir: string;
  run(args: readonly string[], env?: Record<string, string>): Promise<CliResult>;
  cleanup(): Promise<void>;
}

export async function repoCli(): Promise<RepoCli> {
  const dir = await mkdtemp(join(tmpdir(), "lifeboat-repo-cli-"));
  const tsconfig = join(dir, "tsconfig.json");
  await writeFile(tsconfig, JSON.stringify({ compilerOptions: { baseUrl: ROOT, paths: { "@lifeboat/shared": ["shared/src/index.ts"], "@lifeboat/shared/repo": ["shared/src/repo/index.ts"], "@lifeboat/shared/errors": ["shared/src/errors/index.ts"] } } }));
  return {
    dir,
    run: (args, env = {}) =>
      new Promise((resolve) => {
        const options = { cwd: ROOT, env: cleanEnv({ ...env, TSX_TSCONFIG_PATH: tsconfig }), timeout: 60_000 };
        execFile(process.execPath, ["--import", "tsx", MAIN, ...args], options, (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
        });
      }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Every entry under `root` by relative path: type, permission bits, and content or link target. */
export async function describeTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (path: string): Promise<void> => {
    for (const name of (await readdir(path)).sort()) {
      const full = join(path, name);
      const st = await lstat(full);
      const mode = (st.mode & 0o7777).toString(8);
      const key = relative(root, full);
      if (st.isSymbolicLink()) out[key] = `link ${await readlink(full)}`;
      else if (st.isDirectory()) {
        out[key] = `dir ${mode}`;
        await walk(full);
      } else out[key] = `file ${mode} ${(await readFile(full)).toString("base64")} mtime ${Math.floor(st.mtimeMs)}`;
    }
  };
  await walk(root);
  return out;
}
