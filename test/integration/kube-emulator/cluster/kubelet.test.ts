// The kubelet against real kubectl and client-node on a 3-node emulator: pod status as a
// kubelet with containerd reports it, volumes laid out on disk at the kubelet's paths under
// the emulator's data directory (configMap, secret, emptyDir, a claim's CSI mount), missing
// sources holding a pod in ContainerCreating, readiness gates, run-to-completion pods and
// their exit codes, and a deleted pod's directory going while its volume's data stays.
import { lstat, readFile, readlink, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { describe, it } from "vitest";
import { persistentVolumeDir } from "../../../kube-emulator/src/kubelet/volume-layout.js";
import { kubeConfigFor } from "../support/client-node.js";
import { eventually } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

const matrix = [
  { version: "1.16", transport: "https" },
  { version: "1.30", transport: "http" },
] as const;

interface Obj {
  metadata: { name: string; uid: string; annotations?: Record<string, string> };
  spec?: any;
  status?: any;
}
interface EventObj {
  reason: string;
  message: string;
  type: string;
  source?: { component?: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pod(name: string, spec: Record<string, unknown> = {}, annotations?: Record<string, string>) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: "app", image: "nginx:1.25" }], ...spec },
  };
}

/** Where the kubelet puts a pod's volume of a plugin on its node, as on a real node's /var/lib/kubelet. */
const volumePath = (dataDir: string, p: Obj, plugin: string, volume: string) =>
  join(dataDir, "nodes", p.spec.nodeName, "pods", p.metadata.uid, "volumes", plugin, volume);

const exists = (path: string) => lstat(path).then(() => true, () => false);

describe.each(matrix)("the kubelet on $version over $transport", ({ version, transport }) => {
  const session = useKubectlCluster<Obj>(version, transport, { nodes: 3, controllerSettings: { jobPodRunMs: 300 } });
  const { k, kr, getJson, namespace } = session;
  const apply = (ns: string, obj: unknown) => k(["-n", ns, "apply", "-f", "-"], JSON.stringify(obj));
  const events = async (ns: string, name: string) =>
    (await getJson<{ items: EventObj[] }>(["-n", ns, "get", "events", "--field-selector", `involvedObject.name=${name}`])).items;
  const waitPhase = (ns: string, name: string, phase: string) =>
    eventually(`${name} ${phase}`, async () => {
      const p = await getJson(["-n", ns, "get", "pod", name]);
      return p.status?.phase === phase ? p : undefined;
    }, 15_000);

  it.concurrent("reports a running pod's status as a kubelet with containerd does", async ({ expect }) => {
    const ns = await namespace("kubelet-status");
    const spec = {
      // Every container, init containers too, limits cpu and memory (requests default to the limits): Guaranteed.
      initContainers: [{ name: "setup", image: "busybox:1.36", resources: { limits: { cpu: "100m", memory: "64Mi" } } }],
      containers: [{ name: "app", image: "nginx:1.25", resources: { limits: { cpu: "500m", memory: "128Mi" } } }],
    };
    await apply(ns, pod("web", spec));
    await k(["-n", ns, "wait", "--for=condition=Ready", "pod/web", "--timeout=30s"]);
    const core = kubeConfigFor(session.cluster).makeApiClient(CoreV1Api);
    const p = await core.readNamespacedPod({ namespace: ns, name: "web" });
    const node = Number(/^node-(\d)$/.exec(p.spec!.nodeName!)![1]);
    expect(p.status?.phase).toBe("Running");
    expect(p.status?.hostIP).toBe(`172.18.0.${node + 1}`);
    expect(p.status?.podIP).toMatch(new RegExp(`^10\\.244\\.${node - 1}\\.\\d+$`));
    expect(p.status?.podIPs).toEqual([{ ip: p.status?.podIP }]);
    expect(p.status?.startTime).toBeInstanceOf(Date);
    expect(p.status?.qosClass).toBe("Guaranteed");
    expect(p.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      ...(version === "1.30" ? ["PodReadyToStartContainers=True"] : []),
      "Initialized=True",
      "Ready=True",
      "ContainersReady=True",
      "PodScheduled=True",
    ]);
    const app = p.status!.containerStatuses![0]!;
    expect(app).toMatchObject({ name: "app", image: "docker.io/library/nginx:1.25", ready: true, started: true, restartCount: 0 });
    expect(app.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(app.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(app.state?.running?.startedAt).toBeInstanceOf(Date);
    const setup = p.status!.initContainerStatuses![0]!;
    expect(setup).toMatchObject({ name: "setup", ready: true, state: { terminated: { exitCode: 0, reason: "Completed" } } });

    const reasons = (await events(ns, "web")).filter((e) => e.source?.component === "kubelet").map((e) => `${e.reason}: ${e.message}`);
    expect(reasons.sort()).toEqual(
      [
        'Pulled: Container image "busybox:1.36" already present on machine',
        'Pulled: Container image "nginx:1.25" already present on machine',
        "Created: Created container setup",
        "Created: Created container app",
        "Started: Started container setup",
        "Started: Started container app",
      ].sort(),
    );
  });

  it.concurrent("lays configMap, secret and emptyDir volumes out at the kubelet's paths", async ({ expect }) => {
    const ns = await namespace("kubelet-volumes");
    await apply(ns, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { "app.conf": "mode=prod\n", level: "3" } });
    await apply(ns, { apiVersion: "v1", kind: "Secret", metadata: { name: "creds" }, stringData: { password: "s3cret", token: "t0k" } });
    const volumes = [
      { name: "conf", configMap: { name: "settings" } },
      { name: "creds", secret: { secretName: "creds", items: [{ key: "password", path: "db/password", mode: 0o400 }] } },
      { name: "scratch", emptyDir: {} },
    ];
    await apply(ns, pod("app", { volumes }));
    await k(["-n", ns, "wait", "--for=condition=Ready", "pod/app", "--timeout=30s"]);
    const p = await getJson(["-n", ns, "get", "pod", "app"]);
    const { dataDir } = session.cluster;

    const conf = volumePath(dataDir, p, "kubernetes.io~configmap", "conf");
    expect(await readFile(join(conf, "app.conf"), "utf8")).toBe("mode=prod\n");
    expect(await readFile(join(conf, "level"), "utf8")).toBe("3");
    expect(await readlink(join(conf, "..data"))).toMatch(/^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\./);

    const creds = volumePath(dataDir, p, "kubernetes.io~secret", "creds");
    expect(await readFile(join(creds, "db/password"), "utf8")).toBe("s3cret");
    expect((await stat(join(creds, "db/password"))).mode & 0o777).toBe(0o400);
    expect(await exists(join(creds, "token"))).toBe(false);

    const scratch = volumePath(dataDir, p, "kubernetes.io~empty-dir", "scratch");
    expect((await stat(scratch)).isDirectory()).toBe(true);
  });

  it.concurrent("holds a pod in ContainerCreating while its Secret is missing, and starts it once it exists", async ({ expect }) => {
    const ns = await namespace("kubelet-mount");
    await apply(ns, pod("waiting", { volumes: [{ name: "creds", secret: { secretName: "later" } }] }));
    const failed = await eventually("FailedMount", async () => (await events(ns, "waiting")).find((e) => e.reason === "FailedMount"), 15_000);
    expect(failed).toMatchObject({ type: "Warning", message: 'MountVolume.SetUp failed for volume "creds" : secret "later" not found', source: { component: "kubelet" } });
    const p = await getJson(["-n", ns, "get", "pod", "waiting"]);
    expect(p.status.phase).toBe("Pending");
    expect(p.status.containerStatuses[0].state).toEqual({ waiting: { reason: "ContainerCreating" } });

    await apply(ns, { apiVersion: "v1", kind: "Secret", metadata: { name: "later" }, stringData: { key: "value" } });
    await k(["-n", ns, "wait", "--for=condition=Ready", "pod/waiting", "--timeout=30s"]);
  });

  it.concurrent("links a claim's CSI mount to its PersistentVolume, and removes only the pod's directory on delete", async ({ expect }) => {
    const ns = await namespace("kubelet-pvc");
    const pvName = `static-${ns}`;
    await k(["apply", "-f", "-"], JSON.stringify({
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: pvName },
      spec: {
        capacity: { storage: "1Gi" },
        accessModes: ["ReadWriteOnce"],
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName: "",
        csi: { driver: "hostpath.csi.lifeboat.dev", volumeHandle: pvName },
        claimRef: { namespace: ns, name: "data" },
      },
    }));
    await apply(ns, { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "", volumeName: pvName, resources: { requests: { storage: "1Gi" } } } });
    await apply(ns, pod("db", { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] }));
    await k(["-n", ns, "wait", "--for=condition=Ready", "pod/db", "--timeout=30s"]);
    const p = await getJson(["-n", ns, "get", "pod", "db"]);
    const { dataDir } = session.cluster;
    const mount = join(volumePath(dataDir, p, "kubernetes.io~csi", pvName), "mount");
    expect(await readlink(mount)).toBe(persistentVolumeDir(dataDir, pvName));
    await writeFile(join(mount, "rows.db"), "42 rows");

    await k(["-n", ns, "delete", "pod", "db"]);
    const podDir = join(dataDir, "nodes", p.spec.nodeName, "pods", p.metadata.uid);
    await eventually("pod directory removed", async () => ((await exists(podDir)) ? undefined : true));
    expect(await readFile(join(persistentVolumeDir(dataDir, pvName), "rows.db"), "utf8")).toBe("42 rows");
  });

  it.concurrent("runs restartPolicy Never pods to Succeeded, or Failed with the exit code the annotation asks for", async ({ expect }) => {
    const ns = await namespace("kubelet-exit");
    await apply(ns, pod("ok", { restartPolicy: "Never" }));
    await apply(ns, pod("bad", { restartPolicy: "Never" }, { "emulator.lifeboat.dev/exit-code": "7" }));
    const ok = await waitPhase(ns, "ok", "Succeeded");
    expect(ok.status.containerStatuses[0]).toMatchObject({ ready: false, state: { terminated: { exitCode: 0, reason: "Completed" } } });
    expect(ok.status.conditions.find((c: any) => c.type === "Ready")).toMatchObject({ status: "False", reason: "PodCompleted" });
    const bad = await waitPhase(ns, "bad", "Failed");
    expect(bad.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 7, reason: "Error" });
  });

  it.concurrent("keeps a pod unready until its readiness gate's condition is True", async ({ expect }) => {
    const ns = await namespace("kubelet-gate");
    await apply(ns, pod("gated", { readinessGates: [{ conditionType: "example.com/in-rotation" }] }));
    const p = await waitPhase(ns, "gated", "Running");
    expect(p.status.conditions.find((c: any) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "ReadinessGatesNotReady",
      message: 'corresponding condition of pod readiness gate "example.com/in-rotation" does not exist.',
    });
    expect(p.status.conditions.find((c: any) => c.type === "ContainersReady")).toMatchObject({ status: "True" });

    const patch = JSON.stringify({ status: { conditions: [{ type: "example.com/in-rotation", status: "True" }] } });
    await k(["-n", ns, "patch", "pod", "gated", "--subresource=status", "--type=strategic", "-p", patch]);
    await k(["-n", ns, "wait", "--for=condition=Ready", "pod/gated", "--timeout=30s"]);
    const after = await getJson(["-n", ns, "get", "pod", "gated"]);
    expect(after.status.conditions.find((c: any) => c.type === "example.com/in-rotation")).toMatchObject({ status: "True" });
  });

  it.concurrent("leaves a pod bound to a node the emulator does not run Pending", async ({ expect }) => {
    const ns = await namespace("kubelet-foreign");
    await apply(ns, pod("orphan", { nodeName: "node-42" }));
    await sleep(500);
    const p = await getJson(["-n", ns, "get", "pod", "orphan"]);
    expect(p.status.phase).toBe("Pending");
    expect(p.status.containerStatuses).toBeUndefined();
    const result = await kr(["-n", ns, "wait", "--for=condition=Ready", "pod/orphan", "--timeout=1s"]);
    expect(result.code).not.toBe(0);
  });
});
