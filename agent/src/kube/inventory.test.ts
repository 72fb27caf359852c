import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api, StorageV1Api } from "@kubernetes/client-node";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import { isLifeboatError } from "@lifeboat/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFingerprint } from "./fingerprint.js";
import { collectInventory } from "./inventory.js";
import { loadKubeConfig } from "./kube-config.js";
import { readKubernetesVersion } from "./version.js";

describe.each([{ k8sVersion: "1.16" }, { k8sVersion: "1.30" }])("inventory of a $k8sVersion emulator", ({ k8sVersion }) => {
  let emulator: RunningEmulator;
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-agent-inventory-"));
    kubeconfig = join(dir, "kubeconfig");
    emulator = await startEmulator({ k8sVersion, kubeconfigPath: kubeconfig, nodes: 2, controllers: [] });
  });

  afterAll(async () => {
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the kube-system UID as the fingerprint and the server's gitVersion", async () => {
    const kc = loadKubeConfig({ kubeconfig });
    expect(await readFingerprint(kc)).toBe(emulator.kubeSystemUid);
    expect(await readKubernetesVersion(kc)).toBe(emulator.persona.version.gitVersion);
  });

  it("collects namespaces, storage classes, nodes and API resources", async () => {
    const kc = loadKubeConfig({ kubeconfig });
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: "shop", labels: { team: "blue" } } } });
    await kc.makeApiClient(StorageV1Api).createStorageClass({
      body: {
        metadata: { name: "fast", annotations: { "storageclass.kubernetes.io/is-default-class": "false" } },
        provisioner: "ebs.csi.aws.com",
        reclaimPolicy: "Retain",
        volumeBindingMode: "WaitForFirstConsumer",
        parameters: { type: "gp3" },
      },
    });
    const steps: number[] = [];
    const inventory = await collectInventory(kc, { onProgress: (percent) => steps.push(percent) });

    expect(inventory.kubernetesVersion).toBe(emulator.persona.version.gitVersion);
    expect(inventory.collectTime).toBeDefined();
    const names = inventory.namespaces.map((n) => n.name);
    expect(names).toEqual(expect.arrayContaining(["default", "kube-system", "kube-public", "shop"]));
    expect(inventory.namespaces.find((n) => n.name === "kube-system")).toMatchObject({ uid: emulator.kubeSystemUid, phase: "Active" });
    expect(inventory.namespaces.find((n) => n.name === "shop")?.labels).toMatchObject({ team: "blue" });

    const fast = inventory.storageClasses.find((s) => s.name === "fast");
    expect(fast).toMatchObject({ provisioner: "ebs.csi.aws.com", isDefault: false, reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer", parameters: { type: "gp3" } });
    expect(inventory.storageClasses.filter((s) => s.isDefault).map((s) => s.name)).toEqual(["standard"]);

    expect(inventory.nodes.map((n) => n.name)).toEqual(["node-1", "node-2"]);
    expect(inventory.nodes[0]).toMatchObject({ ready: true, kubeletVersion: emulator.persona.version.gitVersion });
    expect(inventory.nodes[0]?.architecture).not.toBe("");

    const ingress = inventory.apiResources.find((r) => r.resource === "ingresses" && r.group === (k8sVersion === "1.16" ? "extensions" : "networking.k8s.io"));
    expect(ingress).toMatchObject({ kind: "Ingress", namespaced: true, preferredVersion: k8sVersion === "1.16" ? "v1beta1" : "v1" });
    expect(inventory.apiResources.find((r) => r.group === "" && r.resource === "configmaps")?.verbs).toContain("list");
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBe(100);
  });

  it("stops with the signal's reason once aborted", async () => {
    const kc = loadKubeConfig({ kubeconfig });
    const controller = new AbortController();
    const reason = new Error("cancelled by the test");
    const collecting = collectInventory(kc, {
      signal: controller.signal,
      onProgress: (percent) => percent >= 30 && controller.abort(reason),
    });
    await expect(collecting).rejects.toBe(reason);
  });
});

describe("loading a kubeconfig", () => {
  let emulator: RunningEmulator;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-agent-kubeconfig-"));
    emulator = await startEmulator({ kubeconfigPath: join(dir, "kubeconfig"), controllers: [] });
  });

  afterAll(async () => {
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("talks plain HTTP to a server the kubeconfig names with http:// even without insecure-skip-tls-verify", async () => {
    const text = await readFile(join(dir, "kubeconfig"), "utf8");
    expect(text).toContain("insecure-skip-tls-verify");
    await writeFile(join(dir, "plain"), text.replace(/^\s*insecure-skip-tls-verify: true\n/m, ""));
    expect(await readFile(join(dir, "plain"), "utf8")).not.toContain("insecure-skip-tls-verify");
    expect(await readFingerprint(loadKubeConfig({ kubeconfig: join(dir, "plain") }))).toBe(emulator.kubeSystemUid);
  });

  it("fails FAILED_PRECONDITION naming a kubeconfig file that does not exist", () => {
    const missing = join(dir, "missing");
    try {
      loadKubeConfig({ kubeconfig: missing });
      expect.unreachable();
    } catch (err) {
      expect(isLifeboatError(err) && err.code).toBe("FAILED_PRECONDITION");
      expect((err as Error).message).toContain(missing);
    }
  });

  it("turns an API server that is not there into a retryable UNAVAILABLE", async () => {
    const text = await readFile(join(dir, "kubeconfig"), "utf8");
    await writeFile(join(dir, "gone"), text.replace(emulator.url, "http://127.0.0.1:1"));
    const err = await readFingerprint(loadKubeConfig({ kubeconfig: join(dir, "gone") })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "UNAVAILABLE", retryable: true });
  });
});
