import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

export const TIME_BIN = "/usr/bin/time";

/** Full path of `name` on PATH, or undefined. */
export function which(name: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v -- "$1"`, "sh", name], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path !== "" ? path : undefined;
}

/**
 * apt-get install, non-interactively; runs `apt-get update` and retries once when the
 * package lists are stale. Needs root (or password-less sudo).
 */
async function aptInstall(packages: string[], log: (line: string) => void): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && !which("sudo")) throw new Error(`${packages.join(", ")} missing and not root: install them (apt-get install ${packages.join(" ")})`);
  const apt = (args: string[]) =>
    asRoot
      ? run("apt-get", args, { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, maxBuffer: 16 * 1024 * 1024 })
      : run("sudo", ["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", ...args], { maxBuffer: 16 * 1024 * 1024 });
  const install = ["install", "-y", "-q", "--no-install-recommends", ...packages];
  log(`apt-get ${install.join(" ")}`);
  try {
    await apt(install);
  } catch {
    log("apt-get install failed; apt-get update and once more");
    await apt(["update", "-q"]);
    await apt(install);
  }
}

/** Installs what the benchmark needs and is missing: /usr/bin/time always, restic when asked. */
export async function ensureTools(needRestic: boolean, log: (line: string) => void): Promise<{ resticVersion?: string }> {
  const missing: string[] = [];
  if (!existsSync(TIME_BIN)) missing.push("time");
  if (needRestic && !which("restic")) missing.push("restic");
  if (missing.length > 0) await aptInstall(missing, log);
  if (!existsSync(TIME_BIN)) throw new Error(`${TIME_BIN} still missing after installing "time"`);
  if (!needRestic) return {};
  const restic = which("restic");
  if (!restic) throw new Error("restic still missing after apt-get install restic");
  const { stdout } = await run(restic, ["version"]);
  return { resticVersion: stdout.trim() };
}
