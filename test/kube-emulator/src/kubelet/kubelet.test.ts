import { readFile, readlink, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../api-types.js";
import { startEmulator, type RunningEmulator } from "../emulator.js";
import { podDir } from "./volume-layout.js";

// The kubelet with the scheduler, against a 2-node emulator whose Job pods run 100 ms.
let emulator: RunningEmulator;
let serial = 0;

beforeAll(async () => {
  emulator = await startEmulator({ k8sVersion: "1.30", nodes: 2, controllers: ["scheduler", "kubelet"], controllerSettings: { jobPodRunMs: 100 } });
});
afterAll(async () => {
  await emulator.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Reads `read` until it gives `want` (disk work is asynchronous) or 2 s pass; the last value read. */
async function eventuallyOnDisk(read: () => Promise<string>, want: string): Promise<string> {
  let value = await read();
  for (let i = 0; i < 100 && value !== want; i++) {
    await sleep(20);
    value = await read();
  }
  return value;
}

const info = (resource: string) => emulator.service.registry.lookup("", "v1", resource)!;
const create = (resource: string, namespace: string | undefined, body: JsonObject): KubeObject => emulator.service.create(info(resource), namespace, body);
const get = (resource: string, namespace: string, name: string) => emulator.service.store.get(`/${resource}`, namespace, name);
const statusOf = (ns: string, name: string) => (get("pods", ns, name)?.status ?? {}) as JsonObject;
const events = (ns: string, reason: string) => emulator.service.store.list("/events", ns).items.filter((e) => e.reason === reason);

function namespace(): string {
  const name = `kubelet-${++serial}`;
  create("namespaces", undefined, { metadata: { name } });
  return name;
}

function pod(name: string, spec: JsonObject = {}, annotations?: Record<string, string>): JsonObject {
  return { metadata: { name, ...(annotations ? { annotations } : {}) }, spec: { containers: [{ name: "main", image: "busybox:1.36" }], ...spec } };
}

describe("kubelet", () => {
  it("gives every pod a unique address from its node's podCIDR", async () => {
    const ns = namespace();
    for (let i = 0; i < 10; i++) create("pods", ns, pod(`p${i}`));
    const statuses = await until("all Running", () => {
      const s = Array.from({ length: 10 }, (_, i) => statusOf(ns, `p${i}`));
      return s.every((x) => x.phase === "Running") ? s : undefined;
    });
    const ips = statuses.map((s) => String(s.podIP));
    expect(new Set(ips).size).toBe(10);
    for (let i = 0; i < 10; i++) {
      const node = (get("pods", ns, `p${i}`)!.spec as JsonObject).nodeName;
      expect(ips[i]).toMatch(node === "node-1" ? /^10\.244\.0\./ : /^10\.244\.1\./);
      expect(statuses[i]!.hostIP).toBe(node === "node-1" ? "172.18.0.2" : "172.18.0.3");
    }
    expect(events(ns, "Started")).toHaveLength(10);
    expect(events(ns, "Started")[0]!.source).toEqual({ component: "kubelet" });
  });

  it("runs a Never pod to Succeeded, and to Failed with the exit code it asks for", async () => {
    const ns = namespace();
    create("pods", ns, pod("ok", { restartPolicy: "Never" }));
    create("pods", ns, pod("bad", { restartPolicy: "Never" }, { "emulator.lifeboat.dev/exit-code": "3" }));
    await until("ok Succeeded", () => statusOf(ns, "ok").phase === "Succeeded");
    await until("bad Failed", () => statusOf(ns, "bad").phase === "Failed");
    expect((statusOf(ns, "bad").containerStatuses as JsonObject[])[0]!.state).toMatchObject({ terminated: { exitCode: 3, reason: "Error" } });
  });

  it("restarts an OnFailure pod whose containers fail, counting restarts, while it stays Running", async () => {
    const ns = namespace();
    create("pods", ns, pod("flaky", { restartPolicy: "OnFailure" }, { "emulator.lifeboat.dev/exit-code": "1" }));
    const status = await until("two restarts", () => {
      const s = statusOf(ns, "flaky");
      const c = (s.containerStatuses as JsonObject[] | undefined)?.[0];
      return c && Number(c.restartCount) >= 2 ? s : undefined;
    });
    expect(status.phase).toBe("Running");
    expect((status.containerStatuses as JsonObject[])[0]!.lastState).toMatchObject({ terminated: { exitCode: 1, reason: "Error" } });
    expect(events(ns, "BackOff")).toHaveLength(1);
  });

  it("keeps a pod ContainerCreating while a required ConfigMap is missing, then starts it with the files", async () => {
    const ns = namespace();
    create("pods", ns, pod("cfg", { volumes: [{ name: "conf", configMap: { name: "settings" } }] }));
    await until("FailedMount", () => events(ns, "FailedMount").length === 1);
    expect(events(ns, "FailedMount")[0]!.message).toBe('MountVolume.SetUp failed for volume "conf" : configmap "settings" not found');
    expect(statusOf(ns, "cfg")).toMatchObject({ phase: "Pending", containerStatuses: [{ state: { waiting: { reason: "ContainerCreating" } } }] });

    create("configmaps", ns, { metadata: { name: "settings" }, data: { mode: "prod" } });
    await until("Running", () => statusOf(ns, "cfg").phase === "Running");
    const p = get("pods", ns, "cfg")!;
    const volume = join(podDir(emulator.dataDir, String((p.spec as JsonObject).nodeName), p.metadata.uid!), "volumes/kubernetes.io~configmap/conf");
    expect(await readFile(join(volume, "mode"), "utf8")).toBe("prod");

    // A changed ConfigMap reaches the volume, as the kubelet's sync loop does.
    const cm = emulator.service.get(info("configmaps"), ns, "settings");
    emulator.service.update(info("configmaps"), ns, "settings", { ...cm, data: { mode: "dev" } });
    expect(await eventuallyOnDisk(() => readFile(join(volume, "mode"), "utf8"), "dev")).toBe("dev");
  });

  it("links a bound claim's mount to the PersistentVolume directory, and leaves it when the pod goes", async () => {
    const ns = namespace();
    const pvName = `pv-${ns}`;
    create("persistentvolumes", undefined, {
      metadata: { name: pvName },
      spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], csi: { driver: "hostpath.csi.lifeboat.dev", volumeHandle: pvName }, claimRef: { namespace: ns, name: "data" } },
    });
    const claim = create("persistentvolumeclaims", ns, { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "", volumeName: pvName, resources: { requests: { storage: "1Gi" } } } });
    create("pods", ns, pod("db", { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] }));
    await sleep(100);
    // The claim is not Bound yet (no PV controller runs here): the kubelet waits.
    expect(statusOf(ns, "db").phase).toBe("Pending");
    emulator.service.update(info("persistentvolumeclaims"), ns, "data", { ...claim, status: { phase: "Bound" } }, { subresource: "status" });
    await until("Running", () => statusOf(ns, "db").phase === "Running");

    const p = get("pods", ns, "db")!;
    const dir = podDir(emulator.dataDir, String((p.spec as JsonObject).nodeName), p.metadata.uid!);
    const mount = join(dir, "volumes/kubernetes.io~csi", pvName, "mount");
    expect(await readlink(mount)).toBe(join(emulator.dataDir, "volumes", pvName));
    expect((await stat(mount)).isDirectory()).toBe(true);

    emulator.service.delete(info("pods"), ns, "db");
    expect(await eventuallyOnDisk(() => stat(dir).then(() => "present", () => "gone"), "gone")).toBe("gone");
    expect((await stat(join(emulator.dataDir, "volumes", pvName))).isDirectory()).toBe(true);
  });

  it("stops the containers of a pod held by a finalizer once it is deleted", async () => {
    const ns = namespace();
    create("pods", ns, { ...pod("held"), metadata: { name: "held", finalizers: ["example.com/hold"] } });
    await until("Running", () => statusOf(ns, "held").phase === "Running");
    emulator.service.delete(info("pods"), ns, "held");
    const status = await until("stopped", () => {
      const s = statusOf(ns, "held");
      return s.phase === "Failed" ? s : undefined;
    });
    // SIGTERM ends the container with 143, so the pod (restartPolicy Always, 1.27+) ends Failed.
    expect((status.containerStatuses as JsonObject[])[0]!.state).toMatchObject({ terminated: { exitCode: 143, reason: "Error" } });
    expect(events(ns, "Killing")[0]!.message).toBe("Stopping container main");
  });

  it("leaves pods bound to nodes it does not run alone", async () => {
    const ns = namespace();
    create("pods", ns, pod("elsewhere", { nodeName: "node-99" }));
    await sleep(100);
    expect(statusOf(ns, "elsewhere")).toEqual({ phase: "Pending", qosClass: "BestEffort" });
  });

  it("keeps a heartbeat Lease per node in kube-node-lease, owned by the Node", () => {
    for (const name of ["node-1", "node-2"]) {
      const lease = emulator.service.store.get("coordination.k8s.io/leases", "kube-node-lease", name)!;
      const node = emulator.service.store.get("/nodes", "", name)!;
      expect(lease.spec).toMatchObject({ holderIdentity: name, leaseDurationSeconds: 40, renewTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/) });
      expect(lease.metadata.ownerReferences).toEqual([{ apiVersion: "v1", kind: "Node", name, uid: node.metadata.uid }]);
    }
  });
});
