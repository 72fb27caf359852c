import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Copies a directory's contents into another (made if missing) as a point-in-time copy:
 * modes, owners, times, symlinks, hard links and holes kept. GNU cp does it in a child
 * process, so a large volume does not hold up the event loop.
 */
export async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  // "<from>/." copies the directory's contents and its own mode and times onto <to>.
  await run("cp", ["-a", "--sparse=always", "--", `${from}/.`, to]);
}
