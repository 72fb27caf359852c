import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ContainerMount } from "../kubelet/volume-layout.js";
import { cannotStart, defaultPath } from "./find-executable.js";
import { exitCodeOf, hostPathOf, sandboxArgs, spawnSandbox, type SandboxSpec } from "./sandbox.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sandbox-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function spec(argv: string[], mounts: ContainerMount[] = [], extra: Partial<SandboxSpec> = {}): SandboxSpec {
  return { argv, mounts, env: [["PATH", defaultPath], ["HOSTNAME", "web-0"]], hostname: "web-0", stdin: false, mergeStderr: false, ...extra };
}

/** Runs a sandbox to its end: exit code and what it printed. */
function run(s: SandboxSpec, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawnSandbox(s);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  if (input !== undefined) child.stdin!.end(input);
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code: exitCodeOf(code, signal), stdout, stderr })));
}

describe("the sandbox's view of the host", () => {
  const mounts: ContainerMount[] = [
    { mountPath: "/var/lib/mysql", hostPath: "/data/pv-1", readOnly: false },
    { mountPath: "/var/lib/mysql/conf", hostPath: "/data/cm", readOnly: true },
  ];

  it("maps paths through the deepest mount, the merged-/usr links and the read-only trees", () => {
    expect(hostPathOf("/var/lib/mysql/db/x", mounts)).toBe("/data/pv-1/db/x");
    expect(hostPathOf("/var/lib/mysql/conf/my.cnf", mounts)).toBe("/data/cm/my.cnf");
    expect(hostPathOf("/bin/sh", mounts)).toBe("/usr/bin/sh");
    expect(hostPathOf("/etc/passwd", mounts)).toBe("/etc/passwd");
    expect(hostPathOf("/root/x", mounts)).toBeUndefined();
  });

  it("binds mounts parents first, with the container's environment and nothing else", () => {
    const args = sandboxArgs(spec(["sh", "-c", "true"], [...mounts].reverse()));
    expect(args.indexOf("/var/lib/mysql")).toBeLessThan(args.indexOf("/var/lib/mysql/conf"));
    expect(args.slice(args.indexOf("/data/cm") - 1, args.indexOf("/data/cm") + 2)).toEqual(["--ro-bind", "/data/cm", "/var/lib/mysql/conf"]);
    expect(args).toContain("--clearenv");
    expect(args.slice(-4)).toEqual(["--", "sh", "-c", "true"]);
  });

  it("finds commands in PATH as runc does, and says why one cannot start", () => {
    expect(cannotStart("sh", defaultPath, "/", [])).toBeUndefined();
    expect(cannotStart("/bin/sh", defaultPath, "/", [])).toBeUndefined();
    expect(cannotStart("no-such-tool", defaultPath, "/", [])).toBe('exec: "no-such-tool": executable file not found in $PATH');
    expect(cannotStart("/opt/tool", defaultPath, "/", [])).toBe('exec: "/opt/tool": stat /opt/tool: no such file or directory');
    expect(cannotStart("/etc/passwd", defaultPath, "/", [])).toBe('exec: "/etc/passwd": permission denied');
  });
});

describe("running in the sandbox", () => {
  it("runs argv as given, with its exit code, stdout and stderr apart, and the pod name as hostname", async () => {
    const result = await run(spec(["sh", "-c", 'echo "$HOSTNAME $(hostname) $1"; echo oops >&2; exit 7', "sh", "a b"]));
    expect(result).toEqual({ code: 7, stdout: "web-0 web-0 a b\n", stderr: "oops\n" });
  });

  it("shows a volume at its mountPath, creating missing parents, writable unless readOnly", async () => {
    const data = join(dir, "pv-data");
    const conf = join(dir, "conf");
    await run(spec(["true"], [{ mountPath: "/tmp/ensure", hostPath: conf, readOnly: false }]));
    await writeFile(join(conf, "my.cnf"), "[mysqld]\n");
    const mounts: ContainerMount[] = [
      { mountPath: "/var/lib/mysql", hostPath: data, readOnly: false },
      { mountPath: "/etc/mysql/conf.d", hostPath: conf, readOnly: true },
    ];
    const result = await run(spec(["sh", "-c", "echo flushed > /var/lib/mysql/flushed; cat /etc/mysql/conf.d/my.cnf; echo x > /etc/mysql/conf.d/y"], mounts));
    expect(result.stdout).toBe("[mysqld]\n");
    expect(result.stderr).toMatch(/Read-only file system/);
    expect(await readFile(join(data, "flushed"), "utf8")).toBe("flushed\n");
  });

  it("keeps the emulator's environment and files outside", async () => {
    const result = await run(spec(["sh", "-c", `env; ls ${dir} 2>&1; ls /root 2>&1`]));
    expect(result.stdout).not.toContain("VITEST");
    expect(result.stdout).toContain("HOSTNAME=web-0");
    expect(result.stdout).toContain("No such file or directory");
  });

  it("passes stdin, and folds stderr into stdout for a tty", async () => {
    expect((await run(spec(["cat"], [], { stdin: true }), "piped\n")).stdout).toBe("piped\n");
    const tty = await run(spec(["sh", "-c", "echo one; echo two >&2"], [], { mergeStderr: true }));
    expect(tty).toEqual({ code: 0, stdout: "one\ntwo\n", stderr: "" });
  });
});
