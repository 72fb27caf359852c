import { readFileSync } from "node:fs";

/** The soft and hard open-file limits of this process, from /proc/self/limits. */
export function openFileLimits(): { soft: number; hard: number } {
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
  if (!line) throw new Error("/proc/self/limits has no 'Max open files' line");
  const value = (text: string) => (text === "unlimited" ? Number.POSITIVE_INFINITY : Number(text));
  return { soft: value(line[1]!), hard: value(line[2]!) };
}

/**
 * Throws, saying what to do, when `needed` descriptors (a socket per agent, plus the
 * process's own) cannot be had even after raising the soft limit to the hard one.
 */
export function assertOpenFiles(needed: number, who: string): void {
  const { hard } = openFileLimits();
  if (hard < needed) {
    throw new Error(
      `${who} needs about ${needed} open files (one socket per agent) but the hard limit is ${hard}: ` +
        `raise it (e.g. \`ulimit -Hn ${needed}\` as root, or LimitNOFILE= for a service) or run with fewer --agents`,
    );
  }
}

/**
 * `command args` run through bash with the soft open-file limit raised to the hard limit
 * first: Node cannot call setrlimit, and a hub holding 10,000 agent sockets needs more than
 * the usual soft limit of 1,024.
 */
export function raisedOpenFileLimit(command: string, args: string[]): [string, string[]] {
  return ["bash", ["-c", 'ulimit -n "$(ulimit -Hn)" && exec "$@"', "bash", command, ...args]];
}
