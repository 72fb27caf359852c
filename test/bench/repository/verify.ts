// Is a restore byte-identical to its source? SHA-1 of every regular file (fast, and collisions
// are not a concern between two copies of the benchmark's own data), the same set of paths,
// and the permission bits of a sample of files.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { MiB } from "./dataset.js";

export type Digests = Map<string, string>;

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = rel === "" ? entry.name : path.join(rel, entry.name);
      if (entry.isDirectory()) await walk(child);
      else out.push(child);
    }
  };
  await walk("");
  return out.sort();
}

async function sha1(file: string, size: number): Promise<string> {
  if (size <= 8 * MiB) return createHash("sha1").update(await readFile(file)).digest("hex");
  const hash = createHash("sha1");
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Digest of every file under `root`, keyed by relative path. */
export async function digestTree(root: string): Promise<Digests> {
  const files = await listFiles(root);
  const digests: Digests = new Map();
  const CONCURRENCY = 8;
  for (let i = 0; i < files.length; i += CONCURRENCY) {
    await Promise.all(
      files.slice(i, i + CONCURRENCY).map(async (rel) => {
        const file = path.join(root, rel);
        const info = await stat(file);
        digests.set(rel, info.isFile() ? await sha1(file, info.size) : `not a regular file (mode ${info.mode.toString(8)})`);
      }),
    );
  }
  return digests;
}

/** Throws, naming the first differences, unless `restored` holds exactly `source`'s files. */
export async function verifyRestore(sourceRoot: string, source: Digests, restoredRoot: string, what: string): Promise<void> {
  const restored = await digestTree(restoredRoot);
  const problems: string[] = [];
  for (const [rel, digest] of source) {
    const got = restored.get(rel);
    if (got === undefined) problems.push(`missing ${rel}`);
    else if (got !== digest) problems.push(`content differs: ${rel}`);
  }
  for (const rel of restored.keys()) if (!source.has(rel)) problems.push(`extra ${rel}`);
  // Modes: every 97th file is enough to catch a restore that drops them.
  const sample = [...source.keys()].filter((_, i) => i % 97 === 0);
  for (const rel of sample) {
    if (!restored.has(rel)) continue;
    const [a, b] = await Promise.all([stat(path.join(sourceRoot, rel)), stat(path.join(restoredRoot, rel))]);
    if ((a.mode & 0o7777) !== (b.mode & 0o7777)) problems.push(`mode ${(b.mode & 0o7777).toString(8)} ≠ ${(a.mode & 0o7777).toString(8)}: ${rel}`);
  }
  if (problems.length > 0) {
    throw new Error(`${what}: restore is not identical to the source (${problems.length} problems): ${problems.slice(0, 10).join("; ")}`);
  }
}
