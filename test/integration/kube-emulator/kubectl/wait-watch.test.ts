// kubectl wait (delete, jsonpath, condition) and kubectl get --watch: the informer
// machinery of kubectl over the emulator's list+watch.
import { spawn } from "node:child_process";
import { describe, it } from "vitest";
import { kubectlPath, type KubectlTarget } from "../../../harness/src/kubectl.js";
import { apiControllers } from "../support/clusters.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

// Each persona over one transport; the finer points run on one persona only.
const matrix = [
  { version: "1.16", transport: "https" },
  { version: "1.30", transport: "http" },
] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A long-running kubectl (get --watch) whose output can be awaited line by line. */
function startKubectl(target: KubectlTarget, args: string[]) {
  const child = spawn(kubectlPath, ["--kubeconfig", target.kubeconfigPath, "--cache-dir", target.kubectlCacheDir, ...args], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: target.kubectlCacheDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: (() => void)[] = [];
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** Resolves once stdout matches, rejects after timeoutMs. */
    async until(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (Date.now() > deadline) throw new Error(`kubectl ${args.join(" ")}: no ${pattern} in output within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), sleep(200)]);
      }
    },
    stop() {
      child.kill("SIGTERM");
    },
  };
}

describe.each(matrix)("kubectl wait and watch against $version over $transport", ({ version, transport }) => {
  const session = useKubectlCluster(version, transport, {
    // Long enough that a watch which only answers with its first bookmark (see the
    // "promptly" test) stands out from a slow machine.
    bookmarkIntervalMs: 60_000,
    logRequests: true,
    controllers: apiControllers,
  });
  const { k, kr, namespace, requests, answered } = session;
  const configMap = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...extra }, data: {} });

  it.concurrent("kubectl wait --for=delete returns once the object is deleted concurrently", async ({ expect }) => {
    const ns = await namespace("wait-delete");
    await k(["-n", ns, "apply", "-f", "-"], configMap("doomed"));
    const mark = requests.length;
    const waiting = kr(["-n", ns, "wait", "--for=delete", "configmap/doomed", "--timeout=30s"]);
    await answered(mark, `GET /api/v1/namespaces/${ns}/configmaps?`, "fieldSelector=metadata.name%3Ddoomed");
    await k(["-n", ns, "delete", "configmap", "doomed", "--wait=false"]);
    const result = await waiting;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("configmap/doomed condition met");
  });

  if (version === "1.30") {
    it.concurrent("kubectl wait --for=delete waits for finalizers to be removed", async ({ expect }) => {
      const ns = await namespace("wait-finalizer");
      await k(["-n", ns, "apply", "-f", "-"], configMap("held", { finalizers: ["lifeboat.io/hold"] }));
      await k(["-n", ns, "delete", "configmap", "held", "--wait=false"]);
      // Still there (deletionTimestamp set): a short wait times out.
      const early = await kr(["-n", ns, "wait", "--for=delete", "configmap/held", "--timeout=1s"]);
      expect(early.code).not.toBe(0);
      expect(early.stderr).toContain("timed out waiting for the condition");
      const mark = requests.length;
      const waiting = kr(["-n", ns, "wait", "--for=delete", "configmap/held", "--timeout=30s"]);
      await answered(mark, `GET /api/v1/namespaces/${ns}/configmaps?`, "fieldSelector=metadata.name%3Dheld");
      await k(["-n", ns, "patch", "configmap", "held", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]']);
      const result = await waiting;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("configmap/held condition met");
    });
  }

  it.concurrent("kubectl wait --for=jsonpath='{.metadata.labels.x}'=y after a label set in the background", async ({ expect }) => {
    const ns = await namespace("wait-jsonpath");
    await k(["-n", ns, "apply", "-f", "-"], configMap("flagged"));
    const mark = requests.length;
    const waiting = kr(["-n", ns, "wait", "--for=jsonpath={.metadata.labels.x}=y", "configmap/flagged", "--timeout=30s"]);
    await answered(mark, `GET /api/v1/namespaces/${ns}/configmaps?`, "fieldSelector=metadata.name%3Dflagged");
    // A different value first: must not satisfy the wait.
    await k(["-n", ns, "label", "configmap", "flagged", "x=n"]);
    await k(["-n", ns, "label", "configmap", "flagged", "x=y", "--overwrite"]);
    const result = await waiting;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("configmap/flagged condition met");
    expect(JSON.parse(await k(["-n", ns, "get", "cm", "flagged", "-o", "json"])).metadata.labels).toEqual({ x: "y" });
  });

  if (version === "1.30") {
    it.concurrent("kubectl wait over a label selector waits for every match", async ({ expect }) => {
      const ns = await namespace("wait-selector");
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: ["a", "b"].map((n) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: n, labels: { batch: "one" } }, data: { ready: "no" } })) }));
      const mark = requests.length;
      const waiting = kr(["-n", ns, "wait", "--for=jsonpath={.data.ready}=yes", "configmap", "-l", "batch=one", "--timeout=30s"]);
      await answered(mark, `GET /api/v1/namespaces/${ns}/configmaps?`, "fieldSelector=metadata.name%3Da");
      await k(["-n", ns, "patch", "configmap", "a", "--type=merge", "-p", '{"data":{"ready":"yes"}}']);
      await k(["-n", ns, "patch", "configmap", "b", "--type=merge", "-p", '{"data":{"ready":"yes"}}']);
      const result = await waiting;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("configmap/a condition met");
      expect(result.stdout).toContain("configmap/b condition met");
    });
  }

  it.concurrent("kubectl wait --for=condition=Available after a status subresource patch", async ({ expect }) => {
    const ns = await namespace("wait-condition");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.25" }] } } },
    }));
    const mark = requests.length;
    const waiting = kr(["-n", ns, "wait", "--for=condition=Available", "deployment/web", "--timeout=30s"]);
    await answered(mark, `GET /apis/apps/v1/namespaces/${ns}/deployments?`, "fieldSelector=metadata.name%3Dweb");
    const status = { status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: "Available", status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability." }] } };
    await k(["-n", ns, "patch", "deployment", "web", "--subresource=status", "--type=merge", "-p", JSON.stringify(status)]);
    const result = await waiting;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("deployment.apps/web condition met");
    // A status patch leaves spec alone and a main-resource patch leaves status alone.
    await k(["-n", ns, "patch", "deployment", "web", "--type=merge", "-p", '{"spec":{"replicas":3},"status":{"replicas":99}}']);
    const d = JSON.parse(await k(["-n", ns, "get", "deployment", "web", "-o", "json"]));
    expect(d.spec.replicas).toBe(3);
    expect(d.status.replicas).toBe(1);
    expect(d.status.conditions[0].type).toBe("Available");
  });

  if (version === "1.16") {
    it.concurrent("kubectl wait returns promptly when the condition already holds", async ({ expect }) => {
      const ns = await namespace("wait-prompt");
      await k(["-n", ns, "apply", "-f", "-"], configMap("ready", { labels: { x: "y" } }));
      const started = Date.now();
      const out = await k(["-n", ns, "wait", "--for=jsonpath={.metadata.labels.x}=y", "configmap/ready", "--timeout=30s"]);
      const elapsed = Date.now() - started;
      expect(out).toContain("configmap/ready condition met");
      // Against a real API server this takes well under a second. If the watch sent its
      // headers only with the first event, kubectl would sit until the first bookmark (60 s).
      expect(elapsed).toBeLessThan(20_000);
    });
  }

  it.concurrent("kubectl get --watch streams additions, changes and deletions", async ({ expect }) => {
    const ns = await namespace("watch-get");
    await k(["-n", ns, "apply", "-f", "-"], configMap("before"));
    const watch = startKubectl(session.cluster, ["-n", ns, "get", "configmaps", "--watch", "--output-watch-events"]);
    try {
      // The initial list first.
      await watch.until(/^EVENT\s+NAME\s+/m);
      await watch.until(/^ADDED\s+before\s/m);
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "after" }, data: { v: "1" } }));
      await watch.until(/^ADDED\s+after\s/m);
      await k(["-n", ns, "patch", "configmap", "after", "--type=merge", "-p", '{"data":{"v":"2"}}']);
      await watch.until(/^MODIFIED\s+after\s/m);
      await k(["-n", ns, "delete", "configmap", "before"]);
      await watch.until(/^DELETED\s+before\s/m);
    } finally {
      watch.stop();
    }
    expect(watch.stderr).toBe("");
  });

  if (version === "1.16") {
    it.concurrent("kubectl get --watch-only on a single object by name", async ({ expect }) => {
      const ns = await namespace("watch-only");
      await k(["-n", ns, "apply", "-f", "-"], configMap("watched"));
      await k(["-n", ns, "apply", "-f", "-"], configMap("other"));
      const mark = requests.length;
      const watch = startKubectl(session.cluster, ["-n", ns, "get", "configmap", "watched", "--watch-only", "-o", "jsonpath={.metadata.name}={.metadata.labels.step}{\"\\n\"}"]);
      try {
        // kubectl reads the object for its resourceVersion, then watches from there.
        await answered(mark, `GET /api/v1/namespaces/${ns}/configmaps/watched `);
        await k(["-n", ns, "label", "configmap", "other", "step=1"]);
        await k(["-n", ns, "label", "configmap", "watched", "step=2"]);
        await watch.until(/^watched=2$/m);
      } finally {
        watch.stop();
      }
      // Only the named object, and no initial state.
      expect(watch.stdout.trim().split("\n")).toEqual(["watched=2"]);
    });
  }

});
