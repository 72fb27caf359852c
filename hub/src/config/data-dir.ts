import { constants } from "node:fs";
import { link, mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { LifeboatError } from "@lifeboat/shared";
import { parse, stringify } from "yaml";
import { CONFIG_FILE, readHubConfig, type HubConfig } from "./hub-config.js";

/** The file the operator's admin credential is left in by `hub init` (0600); the hub never reads it. */
export const ADMIN_CREDENTIAL_FILE = "admin-credential";

/** Reads and checks `<dataDir>/hub.yaml`. FAILED_PRECONDITION when the directory was never initialised. */
export async function loadHubConfig(dataDir: string): Promise<HubConfig> {
  const path = join(dataDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new LifeboatError("FAILED_PRECONDITION", `hub data directory ${dataDir} is not initialised (no ${CONFIG_FILE}): run \`lifeboat hub init --data-dir ${dataDir}\``, {
        field: "dataDir",
        value: dataDir,
        cause: err,
      });
    }
    throw new LifeboatError("UNAVAILABLE", `cannot read ${path}: ${(err as Error).message}`, { field: "dataDir", value: dataDir, cause: err });
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (err) {
    throw new LifeboatError("INVALID_ARGUMENT", `${path} is not valid YAML: ${(err as Error).message}`, { field: CONFIG_FILE, cause: err });
  }
  return readHubConfig(parsed, path);
}

export function renderHubConfig(config: HubConfig): string {
  return `# Lifeboat hub configuration, written by \`lifeboat hub init\`. Times in ms unless named otherwise.\n${stringify(config)}`;
}

/** Reads one of the hub's files by its name in hub.yaml. CORRUPT naming the file when it is missing. */
export async function readDataFile(dataDir: string, name: string): Promise<string> {
  try {
    return await readFile(join(dataDir, name), "utf8");
  } catch (err) {
    throw new LifeboatError("CORRUPT", `hub data directory ${dataDir}: cannot read ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      field: name,
      cause: err,
    });
  }
}

/**
 * Writes `content` to `<dataDir>/<name>` with `mode` (0600 for keys and secrets), never
 * following or replacing an existing file unless `replace`: a temporary file is written, then
 * renamed into place, so a reader never sees half a key.
 */
export async function writeDataFile(dataDir: string, name: string, content: string, options: { mode: number; replace?: boolean }): Promise<void> {
  const target = join(dataDir, name);
  const temporary = join(dataDir, `.${name}.${process.pid}.tmp`);
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, options.mode);
  try {
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.replace) {
      await rename(temporary, target);
    } else {
      // link() fails if the target exists: two processes creating the same file cannot both win.
      try {
        await link(temporary, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new LifeboatError("ALREADY_EXISTS", `${target} exists already`, { field: name, cause: err });
        throw err;
      }
      await unlink(temporary);
    }
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw err;
  }
}

export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
