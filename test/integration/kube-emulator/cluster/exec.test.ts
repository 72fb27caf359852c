// Pod exec as pre-backup hooks use it: `kubectl exec` (WebSocket, v5.channel.k8s.io) and
// client-node's Exec against both personas. Commands run in a sandbox that shows the pod's
// volumes at their mountPaths, with stdout, stderr, stdin and the exit code carried over the
// channel protocol, and the real errors for pods that cannot be exec'd into. The first
// suites stand in for the kubelet (spec.nodeName and the status written by hand); the last
// runs with the emulator's own scheduler and kubelet.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { Exec, KubeConfig, type V1Status } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { EmulatorOptions } from "@lifeboat/kube-emulator";
import { controllerNames } from "../../../kube-emulator/src/controllers/index.js";
import { persistentVolumeDir, podVolumeDir } from "../../../kube-emulator/src/kubelet/volume-layout.js";
import { kubectl, type KubectlTarget } from "../../../harness/src/kubectl.js";
import { useClientNode } from "../support/client-node.js";
import { eventually } from "../support/eventually.js";
import { serial, useKubectlCluster } from "../support/kubectl-session.js";

/** Every controller but the scheduler and kubelet: the tests place pods and report them running themselves. */
const withoutKubelet = controllerNames.filter((n) => n !== "kubelet" && n !== "scheduler") as EmulatorOptions["controllers"];

// Each kubectl call costs seconds on a busy two-core machine: wait generously, a test still ends as soon as it can.
const slow = 180_000;

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

interface PodSpec {
  name: string;
  containers?: { name: string; env?: { name: string; value: string }[]; volumeMounts?: { name: string; mountPath: string }[] }[];
  volumes?: Record<string, unknown>[];
  nodeName?: string | null;
}

function podManifest(ns: string, p: PodSpec): string {
  const containers = (p.containers ?? [{ name: "app" }]).map((c) => ({ image: "mysql:8.0", ...c }));
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: p.name, namespace: ns },
    spec: { ...(p.nodeName === null ? {} : { nodeName: p.nodeName ?? "node-1" }), containers, ...(p.volumes ? { volumes: p.volumes } : {}) },
  });
}

/** The status a kubelet reports for a pod in `phase`, with each container's state to match. */
function podStatus(phase: "Running" | "Pending" | "Succeeded", containers: string[]): Record<string, unknown> {
  const state =
    phase === "Running"
      ? { running: { startedAt: new Date().toISOString() } }
      : phase === "Pending"
        ? { waiting: { reason: "ContainerCreating" } }
        : { terminated: { exitCode: 0, reason: "Completed", startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() } };
  return {
    phase,
    containerStatuses: containers.map((name) => ({ name, image: "mysql:8.0", imageID: "", ready: phase === "Running", restartCount: 0, started: phase === "Running", state })),
  };
}

describe.each(matrix)("kubectl exec against $version over $transport", ({ version, transport }) => {
  const session = useKubectlCluster(version, transport, { controllers: withoutKubelet });
  const { k, kr, namespace } = session;

  /** Creates a pod placed on node-1 and reports it as the kubelet would; its uid. */
  async function startPod(ns: string, p: PodSpec, phase: "Running" | "Pending" | "Succeeded" = "Running"): Promise<string> {
    const created = JSON.parse(await k(["apply", "-o", "json", "-f", "-"], podManifest(ns, p)));
    const names = (p.containers ?? [{ name: "app" }]).map((c) => c.name);
    await k(["-n", ns, "patch", "pod", p.name, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: podStatus(phase, names) })]);
    return created.metadata.uid;
  }

  it.concurrent("carries stdout, stderr and the exit code", async ({ expect }) => {
    const ns = await namespace("exec-codes");
    await startPod(ns, { name: "db" });
    const failed = await kr(["-n", ns, "exec", "db", "--", "sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(failed.code).toBe(3);
    expect(failed.stdout).toBe("out\n");
    expect(failed.stderr).toBe("err\ncommand terminated with exit code 3\n");
    const ok = await kr(["-n", ns, "exec", "db", "--", "sh", "-c", 'echo "$HOSTNAME in $(pwd)"']);
    expect(ok).toEqual({ code: 0, stdout: "db in /\n", stderr: "" });
  }, slow);

  it.concurrent("passes stdin with -i and ends it when the input ends", async ({ expect }) => {
    const ns = await namespace("exec-stdin");
    await startPod(ns, { name: "db" });
    const input = "line one\nline two\n";
    expect(await k(["-n", ns, "exec", "-i", "db", "--", "cat"], input)).toBe(input);
    expect(await k(["-n", ns, "exec", "-i", "db", "--", "wc", "-l"], input)).toBe("2\n");
  }, slow);

  it.concurrent("a hook's write lands in the volume's directory on the node", async ({ expect }) => {
    const ns = await namespace("exec-hook");
    const volume = { name: "data", emptyDir: {} };
    const uid = await startPod(ns, {
      name: "mysql-0",
      containers: [
        { name: "app", env: [{ name: "FLUSH_MARK", value: "flushed-by-hook" }], volumeMounts: [{ name: "data", mountPath: "/var/lib/mysql" }] },
        { name: "sidecar" },
      ],
      volumes: [volume],
    });
    // What the kubelet lays out for the pod's emptyDir.
    const hostDir = podVolumeDir(session.cluster.dataDir, "node-1", uid, volume)!;
    await mkdir(hostDir, { recursive: true });
    await k(["-n", ns, "exec", "mysql-0", "-c", "app", "--", "sh", "-c", 'echo "$FLUSH_MARK" > /var/lib/mysql/flushed']);
    expect(await readFile(join(hostDir, "flushed"), "utf8")).toBe("flushed-by-hook\n");
    // The sidecar does not mount the volume.
    const sidecar = await kr(["-n", ns, "exec", "mysql-0", "-c", "sidecar", "--", "cat", "/var/lib/mysql/flushed"]);
    expect(sidecar.code).toBe(1);
    expect(sidecar.stderr).toContain("No such file or directory");
  }, slow);

  it.concurrent("a command that does not exist fails as containerd reports it", async ({ expect }) => {
    const ns = await namespace("exec-missing");
    await startPod(ns, { name: "db" });
    const result = await kr(["-n", ns, "exec", "db", "--", "mysqladmin-nope", "flush-tables"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "mysqladmin-nope": executable file not found in \$PATH: unknown\n$/,
    );
  }, slow);

  it.concurrent("pods and containers that cannot be exec'd into give the real errors", async ({ expect }) => {
    const ns = await namespace("exec-errors");
    await startPod(ns, { name: "db" });
    await startPod(ns, { name: "unscheduled", nodeName: null }, "Pending");
    await startPod(ns, { name: "creating" }, "Pending");
    await startPod(ns, { name: "done" }, "Succeeded");
    const [noPod, noContainer, unscheduled, creating, done] = await Promise.all([
      kr(["-n", ns, "exec", "nope", "--", "true"]),
      kr(["-n", ns, "exec", "db", "-c", "nope", "--", "true"]),
      kr(["-n", ns, "exec", "unscheduled", "--", "true"]),
      kr(["-n", ns, "exec", "creating", "--", "true"]),
      kr(["-n", ns, "exec", "done", "--", "true"]),
    ]);
    expect(noPod.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect(noContainer.stderr).toBe("Error from server (BadRequest): container nope is not valid for pod db\n");
    expect(unscheduled.stderr).toBe("Error from server (BadRequest): pod unscheduled does not have a host assigned\n");
    expect(creating.stderr).toBe('error: unable to upgrade connection: container not found ("app")\n');
    expect(done.stderr).toBe("error: cannot exec into a container in a completed pod; current phase is Succeeded\n");
    for (const r of [noPod, noContainer, unscheduled, creating, done]) expect(r.code).toBe(1);
  }, slow);

  it.concurrent("streams need an upgrade; attach and port-forward are checked, then declined", async ({ expect }) => {
    const ns = await namespace("exec-upgrade");
    await startPod(ns, { name: "db" });
    const base = `/api/v1/namespaces/${ns}/pods`;
    const [plainExec, plainForward, attach, attachUnknown] = await Promise.all([
      kr(["get", "--raw", `${base}/db/exec?command=true&stdout=true`]),
      kr(["get", "--raw", `${base}/db/portforward?ports=80`]),
      kr(["-n", ns, "attach", "db"]),
      kr(["-n", ns, "attach", "db", "-c", "nope"]),
    ]);
    expect(plainExec.stderr).toBe("Error from server (BadRequest): Upgrade request required\n");
    expect(plainForward.stderr).toBe("Error from server (BadRequest): Upgrade request required\n");
    expect(attach.stderr).toContain("Error from server (BadRequest): pods/attach is not supported by the emulator\n");
    expect(attachUnknown.stderr).toContain("container nope");
    for (const r of [plainExec, plainForward, attach, attachUnknown]) expect(r.code).toBe(1);
  }, slow);

  if (transport === "https") {
    it.concurrent("the read-only viewer may not exec: 403 on create pods/exec", async ({ expect }) => {
      const ns = await namespace("exec-viewer");
      await startPod(ns, { name: "db" });
      const viewer = await viewerTarget(session.fleet.dir, session.cluster);
      const result = await kubectl(viewer, ["-n", ns, "exec", "db", "--", "true"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`Error from server (Forbidden): pods "db" is forbidden: User "viewer" cannot create resource "pods/exec" in API group "" in the namespace "${ns}"\n`);
    }, slow);
  }
});

/** A kubeconfig for the cluster's read-only viewer, with a discovery cache of its own. */
async function viewerTarget(dir: string, cluster: { url: string; caPem?: string; viewerToken: string }): Promise<KubectlTarget> {
  const name = `viewer-${serial()}`;
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server: cluster.url, "certificate-authority-data": Buffer.from(cluster.caPem!).toString("base64") } }],
    users: [{ name: "u", user: { token: cluster.viewerToken } }],
    contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
    "current-context": "c",
  };
  const kubeconfigPath = join(dir, `${name}.kubeconfig`);
  await writeFile(kubeconfigPath, stringify(config), { mode: 0o600 });
  return { kubeconfigPath, kubectlCacheDir: join(dir, `${name}.kube-cache`) };
}

/** A Writable that keeps what is written to it. */
function collector(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  return Object.assign(w, { text: () => Buffer.concat(chunks).toString() });
}

/** Runs one command through client-node's Exec and waits for its status. */
async function execWith(kc: KubeConfig, ns: string, pod: string, container: string, command: string[], stdin?: Readable) {
  const stdout = collector();
  const stderr = collector();
  const status = await new Promise<V1Status>((resolve, reject) => {
    new Exec(kc).exec(ns, pod, container, command, stdout, stderr, stdin ?? null, false, resolve).catch(reject);
  });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

describe.each(["1.16", "1.30"])("client-node Exec against %s", (version) => {
  const cluster = useClientNode({ k8sVersion: version, tls: version === "1.30", controllers: withoutKubelet }, "exec");
  let ns: string;

  beforeAll(async () => {
    ns = await cluster.namespace();
    await cluster.core.createNamespacedPod({ namespace: ns, body: { metadata: { name: "db" }, spec: { nodeName: "node-1", containers: [{ name: "app", image: "mysql:8.0" }] } } });
    const pod = await cluster.core.readNamespacedPod({ namespace: ns, name: "db" });
    await cluster.core.replaceNamespacedPodStatus({ namespace: ns, name: "db", body: { ...pod, status: podStatus("Running", ["app"]) as never } });
  });

  it("reports Success with the output on stdout and stderr", async () => {
    const result = await execWith(cluster.kc, ns, "db", "app", ["sh", "-c", "echo flushed; echo note >&2"]);
    expect(result.status).toEqual({ metadata: {}, status: "Success" });
    expect(result.stdout).toBe("flushed\n");
    expect(result.stderr).toBe("note\n");
  });

  it("reports Failure with NonZeroExitCode and the exit code as an ExitCode cause", async () => {
    const result = await execWith(cluster.kc, ns, "db", "app", ["sh", "-c", "exit 42"]);
    expect(result.status).toEqual({
      metadata: {},
      status: "Failure",
      message: "command terminated with non-zero exit code: error executing command [sh -c exit 42], exit code 42",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "42" }] },
    });
  });

  it("feeds stdin and closes it with v5's close signal", async () => {
    const stdin = new PassThrough();
    const running = execWith(cluster.kc, ns, "db", "app", ["sh", "-c", "cat; echo done"], stdin);
    stdin.end("from the hook\n");
    const result = await running;
    expect(result.status.status).toBe("Success");
    expect(result.stdout).toBe("from the hook\ndone\n");
  });

  it("the viewer's exec is refused before the upgrade with 403", async () => {
    const kc = new KubeConfig();
    kc.loadFromString(cluster.emulator.kubeconfig);
    kc.users = [{ name: kc.users[0]!.name, token: cluster.emulator.viewerToken }];
    await expect(execWith(kc, ns, "db", "app", ["true"])).rejects.toThrow(/403/);
  });
});

describe.each(["1.16", "1.30"])("exec with the emulator's scheduler and kubelet on %s", (version) => {
  const cluster = useClientNode({ k8sVersion: version }, "exec-kubelet");

  it("a write through exec into a PVC's mount lands in the PersistentVolume's directory", async () => {
    const ns = await cluster.namespace();
    await cluster.core.createNamespacedPersistentVolumeClaim({
      namespace: ns,
      body: { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
    });
    await cluster.core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: "mysql-0" },
        spec: {
          containers: [{ name: "mysql", image: "mysql:8.0", volumeMounts: [{ name: "data", mountPath: "/var/lib/mysql" }] }],
          volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }],
        },
      },
    });
    await eventually(
      "the pod to run",
      async () => ((await cluster.core.readNamespacedPod({ namespace: ns, name: "mysql-0" })).status?.phase === "Running" ? true : undefined),
      60_000,
    );
    const result = await execWith(cluster.kc, ns, "mysql-0", "mysql", ["sh", "-c", "echo 'FLUSH TABLES' > /var/lib/mysql/hook-marker && ls /var/lib/mysql"]);
    expect(result.status.status).toBe("Success");
    expect(result.stdout).toContain("hook-marker");
    const pvc = await cluster.core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: "data" });
    const pv = pvc.spec!.volumeName!;
    expect(await readFile(join(persistentVolumeDir(cluster.emulator.dataDir, pv), "hook-marker"), "utf8")).toBe("FLUSH TABLES\n");
  });
});
