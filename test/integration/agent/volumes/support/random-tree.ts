// Random directory trees for volume round trips, and a bit-for-bit comparison of two trees:
// content, type, mode, mtime (ms), symlink targets and sizes (sparse files keep their holes' zeros).
import { createHash, randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, open, readdir, readFile, readlink, symlink, utimes, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";

/** A deterministic-enough random tree: nested dirs, files of 0 B to 300 KiB, odd modes, old mtimes, symlinks, a sparse file. */
export async function makeRandomTree(root: string, files = 40): Promise<void> {
  await mkdir(root, { recursive: true });
  const dirs = [root];
  for (let i = 0; i < 6; i++) {
    const dir = join(dirs[Math.floor(Math.random() * dirs.length)]!, `dir-${i}`);
    await mkdir(dir, { recursive: true });
    dirs.push(dir);
  }
  for (let i = 0; i < files; i++) {
    const dir = dirs[i % dirs.length]!;
    const size = i % 7 === 0 ? 0 : Math.floor(Math.random() * (i % 5 === 0 ? 300_000 : 4_000));
    const file = join(dir, `file-${i}.bin`);
    await writeFile(file, randomBytes(size));
    await chmod(file, [0o644, 0o600, 0o755, 0o640][i % 4]!);
    const when = new Date(Date.UTC(2024, i % 12, 1 + (i % 27), 3, 4, 5) + (i * 137) % 1000);
    await utimes(file, when, when);
  }
  await symlink("dir-0/file-0.bin", join(root, "link-to-file"));
  await symlink("/etc/hostname-that-does-not-exist", join(root, "dangling-link"));
  // A sparse file: 8 MiB with 4 KiB of data in the middle.
  const sparse = await open(join(root, "sparse.img"), "w");
  await sparse.write(randomBytes(4096), 0, 4096, 4 * 1024 * 1024);
  await sparse.truncate(8 * 1024 * 1024);
  await sparse.close();
  await writeFile(join(root, "empty"), "");
}

export interface TreeEntryInfo {
  type: "file" | "dir" | "symlink";
  mode: number;
  size?: number;
  mtimeMs?: number;
  sha256?: string;
  target?: string;
}

/** Every entry under `root` by relative path, leaving out `skip` names at the top (e.g. ".lifeboat"). */
export async function describeTree(root: string, skip: readonly string[] = [".lifeboat"]): Promise<Record<string, TreeEntryInfo>> {
  const out: Record<string, TreeEntryInfo> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      if (dir === root && skip.includes(name)) continue;
      const stat = await lstat(path);
      const mode = stat.mode & 0o7777;
      if (stat.isSymbolicLink()) out[rel] = { type: "symlink", mode: 0, target: await readlink(path) };
      else if (stat.isDirectory()) {
        out[rel] = { type: "dir", mode };
        await walk(path);
      } else {
        out[rel] = { type: "file", mode, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), sha256: createHash("sha256").update(await readFile(path)).digest("hex") };
      }
    }
  };
  await walk(root);
  return out;
}
