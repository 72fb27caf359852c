// Pod logs: in the emulator a container's log is what the commands exec'd in it printed.
// `kubectl logs` with its options, the kubelet's refusals for containers that have no log,
// and following a log (kubectl logs -f, client-node's Log) until the pod goes.
import { spawn } from "node:child_process";
import { Writable } from "node:stream";
import { Log } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import type { EmulatorOptions } from "@lifeboat/kube-emulator";
import { controllerNames } from "../../../kube-emulator/src/controllers/index.js";
import { kubectlPath } from "../../../harness/src/kubectl.js";
import { useClientNode } from "../support/client-node.js";
import { eventually } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

/** Every controller but the scheduler and kubelet: the tests place pods and report them running themselves. */
const withoutKubelet = controllerNames.filter((n) => n !== "kubelet" && n !== "scheduler") as EmulatorOptions["controllers"];

// Each kubectl call costs seconds on a busy two-core machine: wait generously, a test still ends as soon as it can.
const slow = 180_000;

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

type Phase = "Running" | "Pending";

function podStatus(phase: Phase, containers: string[]): Record<string, unknown> {
  const state = phase === "Running" ? { running: { startedAt: new Date().toISOString() } } : { waiting: { reason: "ContainerCreating" } };
  return {
    phase,
    containerStatuses: containers.map((name) => ({ name, image: "busybox:1.36", imageID: "", ready: phase === "Running", restartCount: 0, started: phase === "Running", state })),
  };
}

describe.each(matrix)("kubectl logs against $version over $transport", ({ version, transport }) => {
  const session = useKubectlCluster(version, transport, { controllers: withoutKubelet });
  const { k, kr, namespace } = session;

  async function startPod(ns: string, name: string, containers: string[], phase: Phase = "Running", nodeName: string | null = "node-1"): Promise<void> {
    const spec = { ...(nodeName ? { nodeName } : {}), containers: containers.map((c) => ({ name: c, image: "busybox:1.36" })) };
    await k(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns }, spec }));
    await k(["-n", ns, "patch", "pod", name, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: podStatus(phase, containers) })]);
  }

  it.concurrent("shows what exec'd commands printed, stdout and stderr, per container", async ({ expect }) => {
    const ns = await namespace("logs-show");
    await startPod(ns, "db", ["app", "sidecar"]);
    // stdout and stderr are two pipes, as a runtime's are: their lines interleave as they
    // arrive, so the order across streams is only certain between commands.
    await k(["-n", ns, "exec", "db", "-c", "app", "--", "sh", "-c", "echo one"]);
    await k(["-n", ns, "exec", "db", "-c", "app", "--", "sh", "-c", "echo two >&2; echo three >&2"]);
    await k(["-n", ns, "exec", "db", "-c", "sidecar", "--", "echo", "from the sidecar"]);
    await k(["-n", ns, "exec", "db", "-c", "app", "--", "printf", "no newline"]);
    expect(await k(["-n", ns, "logs", "db", "-c", "app"])).toBe("one\ntwo\nthree\nno newline");
    expect(await k(["-n", ns, "logs", "db", "-c", "sidecar"])).toBe("from the sidecar\n");
    expect(await k(["-n", ns, "logs", "db", "-c", "app", "--tail=1"])).toBe("no newline");
    expect(await k(["-n", ns, "logs", "db", "-c", "app", "--tail=2", "--limit-bytes=8"])).toBe("three\nno");
    const stamped = (await k(["-n", ns, "logs", "db", "-c", "app", "--timestamps", "--tail=2"])).split("\n");
    expect(stamped[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z three$/);
    expect(await k(["-n", ns, "logs", "db", "-c", "app", "--since=1h", "--tail=1"])).toBe("no newline");
  }, slow);

  it.concurrent("refuses containers without a log with the kubelet's and apiserver's words", async ({ expect }) => {
    const ns = await namespace("logs-errors");
    await startPod(ns, "db", ["app"]);
    await startPod(ns, "creating", ["app"], "Pending");
    await startPod(ns, "unscheduled", ["app"], "Pending", null);
    const [noContainer, creating, previous, noPod, unscheduled, negativeTail] = await Promise.all([
      kr(["-n", ns, "get", "--raw", `/api/v1/namespaces/${ns}/pods/db/log?container=nope`]),
      kr(["-n", ns, "logs", "creating"]),
      kr(["-n", ns, "logs", "db", "--previous"]),
      kr(["-n", ns, "logs", "nope"]),
      kr(["-n", ns, "logs", "unscheduled"]),
      kr(["-n", ns, "get", "--raw", `/api/v1/namespaces/${ns}/pods/db/log?tailLines=-1`]),
    ]);
    expect(noContainer.stderr).toBe("Error from server (BadRequest): container nope is not valid for pod db\n");
    expect(creating.stderr).toBe('Error from server (BadRequest): container "app" in pod "creating" is waiting to start: ContainerCreating\n');
    expect(previous.stderr).toBe('Error from server (BadRequest): previous terminated container "app" in pod "db" not found\n');
    // kubectl fetches the pod first and words a NotFound its own way.
    expect(noPod.stderr).toBe(`error: error from server (NotFound): pods "nope" not found in namespace "${ns}"\n`);
    // An unscheduled pod has no log location: an empty answer.
    expect(unscheduled).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(negativeTail.stderr).toContain('PodLogOptions "db" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0');
  }, slow);

  it.concurrent("logs -f streams new lines until the pod is deleted", async ({ expect }) => {
    const ns = await namespace("logs-follow");
    await startPod(ns, "db", ["app"]);
    await k(["-n", ns, "exec", "db", "--", "echo", "before"]);
    const { kubeconfigPath, kubectlCacheDir } = session.cluster;
    const child = spawn(kubectlPath, ["--kubeconfig", kubeconfigPath, "--cache-dir", kubectlCacheDir, "-n", ns, "logs", "-f", "db"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: kubectlCacheDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    await eventually("the log so far", async () => (out === "before\n" ? true : undefined), 60_000);
    await k(["-n", ns, "exec", "db", "--", "sh", "-c", "echo after; echo again >&2"]);
    await eventually("the new lines", async () => (out === "before\nafter\nagain\n" ? true : undefined), 60_000);
    await k(["-n", ns, "delete", "pod", "db", "--wait=false"]);
    expect(await exited).toBe(0);
  }, slow);
});

describe.each(["1.16", "1.30"])("client-node Log against %s", (version) => {
  const cluster = useClientNode({ k8sVersion: version, tls: version === "1.30", controllers: withoutKubelet }, "logs");
  let ns: string;

  beforeAll(async () => {
    ns = await cluster.namespace();
    await cluster.core.createNamespacedPod({ namespace: ns, body: { metadata: { name: "db" }, spec: { nodeName: "node-1", containers: [{ name: "app", image: "busybox:1.36" }] } } });
    const pod = await cluster.core.readNamespacedPod({ namespace: ns, name: "db" });
    await cluster.core.replaceNamespacedPodStatus({ namespace: ns, name: "db", body: { ...pod, status: podStatus("Running", ["app"]) as never } });
  });

  it("follows the log as exec'd commands write it, and ends when the pod goes", async () => {
    let text = "";
    let ended = false;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
      final(done) {
        ended = true;
        done();
      },
    });
    await new Log(cluster.kc).log(ns, "db", "app", sink, { follow: true });
    const { Exec } = await import("@kubernetes/client-node");
    await new Promise((resolve, reject) => {
      new Exec(cluster.kc).exec(ns, "db", "app", ["sh", "-c", "echo streamed"], new Writable({ write: (_c, _e, done) => done() }), null, null, false, resolve).catch(reject);
    });
    await eventually("the streamed line", async () => (text === "streamed\n" ? true : undefined));
    expect((await cluster.core.readNamespacedPodLog({ namespace: ns, name: "db", container: "app" })).toString()).toBe("streamed\n");
    await cluster.core.deleteNamespacedPod({ namespace: ns, name: "db" });
    await eventually("the follow to end", async () => (ended ? true : undefined));
  });
});
