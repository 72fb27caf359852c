import { chmod, mkdir, mkdtemp, readdir, rename, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { VolumeFile } from "./volume-contents.js";

/**
 * The kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go), by which configMap,
 * secret, downwardAPI and projected volumes change all at once: the files live in a
 * timestamped directory `..2024_05_01_12_00_00.xxxxxx`, `..data` links to it, and each
 * top-level name links into `..data`. A new version is a new directory and one rename of
 * the `..data` link.
 */
export async function writeAtomically(dir: string, files: VolumeFile[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const safe = files.filter((f) => f.path !== "" && !f.path.startsWith("/") && !f.path.split("/").includes(".."));
  const versionDir = await mkdtemp(join(dir, `..${timestamp(new Date())}.`));
  await chmod(versionDir, 0o755);
  for (const f of safe) {
    const target = join(versionDir, f.path);
    if (f.path.includes("/")) await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.data);
    // writeFile's mode passes through the umask; the volume's mode must not.
    await chmod(target, f.mode & 0o7777);
  }
  const tmpLink = join(dir, "..data_tmp");
  await rm(tmpLink, { force: true });
  await symlink(basename(versionDir), tmpLink);
  await rename(tmpLink, join(dir, "..data"));

  const visible = new Set(safe.map((f) => f.path.split("/")[0]!));
  const existing = await readdir(dir);
  for (const name of visible) if (!existing.includes(name)) await symlink(join("..data", name), join(dir, name));
  for (const name of existing) {
    if (name.startsWith("..")) {
      if (name !== "..data" && name !== basename(versionDir)) await rm(join(dir, name), { recursive: true, force: true });
    } else if (!visible.has(name)) {
      await unlink(join(dir, name)).catch(() => {});
    }
  }
}

/** time.Now().UTC().Format("2006_01_02_15_04_05") */
function timestamp(at: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${at.getUTCFullYear()}_${p(at.getUTCMonth() + 1)}_${p(at.getUTCDate())}_${p(at.getUTCHours())}_${p(at.getUTCMinutes())}_${p(at.getUTCSeconds())}`;
}
