// The ServiceAccount admission plugin and the root CA publisher against real kubectl and
// client-node: pods default to the `default` ServiceAccount, one naming a ServiceAccount that
// does not exist is refused with upstream's 403, and every container mounts the account's
// credentials as upstream shapes them — the token Secret before 1.21, the projected
// kube-api-access volume (token, kube-root-ca.crt, namespace) from 1.21 — unless
// automountServiceAccountToken is off. From 1.20 every namespace has kube-root-ca.crt.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { describe, it } from "vitest";
import { apiFailure, kubeConfigFor } from "../support/client-node.js";
import { eventually as poll } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

const slow = 120_000;
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000) => poll(what, probe, timeoutMs);

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.20", transport: "https" },
  { version: "1.30", transport: "https" },
] as const;

interface Obj {
  metadata: { name: string; uid: string; annotations?: Record<string, string> };
  spec?: any;
  status?: any;
  data?: Record<string, string>;
  secrets?: Array<{ name: string }>;
}

const mountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
const description =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

function pod(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "app", image: "nginx:1.25" }], ...spec } };
}

describe.each(matrix)("ServiceAccount admission on $version over $transport", ({ version, transport }) => {
  const session = useKubectlCluster<Obj>(version, transport);
  const { k, kr, getJson, namespace } = session;
  const minor = Number(version.split(".")[1]);
  const bound = minor >= 21;

  const running = (ns: string, name: string) =>
    eventually(`pod ${name} Running`, async () => {
      const p = await getJson(["-n", ns, "get", "pod", name]);
      return p.status?.phase === "Running" ? p : undefined;
    });

  /** The default ServiceAccount once it can be mounted (with its token before 1.21). */
  const defaultAccount = (ns: string) =>
    eventually("the default ServiceAccount", async () => {
      const sa = await getJson(["-n", ns, "get", "serviceaccount", "default"]).catch(() => undefined);
      return sa && (bound || sa.secrets?.length) ? sa : undefined;
    });

  it.concurrent("a pod gets the default ServiceAccount and its credentials in every container, as upstream mounts them", async ({ expect }) => {
    const ns = await namespace("adm-default");
    const sa = await defaultAccount(ns);
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(pod("web", { initContainers: [{ name: "init", image: "busybox:1.36" }] })));
    const p = await running(ns, "web");
    expect(p.spec.serviceAccountName).toBe("default");
    expect(p.spec.serviceAccount).toBe("default");
    expect(p.spec.volumes).toHaveLength(1);
    const volume = p.spec.volumes[0];
    if (bound) {
      expect(volume.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(volume).toEqual({
        name: volume.name,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
            { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
            { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
          ],
        },
      });
    } else {
      const token = sa.secrets![0]!.name;
      expect(token).toMatch(/^default-token-[a-z0-9]{5}$/);
      expect(volume).toEqual({ name: token, secret: { secretName: token, defaultMode: 420 } });
    }
    for (const c of [...p.spec.initContainers, ...p.spec.containers]) {
      expect(c.volumeMounts).toEqual([{ name: volume.name, readOnly: true, mountPath }]);
    }

    // The kubelet lays the credentials out; ca.crt is the cluster's CA.
    const plugin = bound ? "kubernetes.io~projected" : "kubernetes.io~secret";
    const dir = join(session.cluster.dataDir, "nodes", p.spec.nodeName, "pods", p.metadata.uid, "volumes", plugin, volume.name);
    expect(await readFile(join(dir, "namespace"), "utf8")).toBe(ns);
    const ca = await readFile(join(dir, "ca.crt"), "utf8");
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    if (session.cluster.caPem) expect(ca).toBe(session.cluster.caPem);
    const [, payload] = (await readFile(join(dir, "token"), "utf8")).split(".");
    expect(JSON.parse(Buffer.from(payload!, "base64url").toString())).toMatchObject({ sub: `system:serviceaccount:${ns}:default` });
  }, slow);

  it.concurrent("refuses a pod whose ServiceAccount does not exist, with upstream's 403", async ({ expect }) => {
    const ns = await namespace("adm-missing");
    const result = await kr(["-n", ns, "apply", "-f", "-"], JSON.stringify(pod("orphan", { serviceAccountName: "builder" })));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Error from server (Forbidden)`);
    expect(result.stderr).toContain(`pods "orphan" is forbidden: error looking up service account ${ns}/builder: serviceaccount "builder" not found`);

    const core = kubeConfigFor(session.cluster).makeApiClient(CoreV1Api);
    const failure = await apiFailure(core.createNamespacedPod({ namespace: ns, body: { metadata: { generateName: "worker-" }, spec: { serviceAccountName: "builder", containers: [{ name: "app", image: "nginx:1.25" }] } } }));
    expect(failure.code).toBe(403);
    expect(failure.status).toMatchObject({ reason: "Forbidden", message: `pods "worker-" is forbidden: error looking up service account ${ns}/builder: serviceaccount "builder" not found` });

    // Once the ServiceAccount exists (and, before 1.21, has its token) the same pod is admitted.
    await k(["-n", ns, "create", "serviceaccount", "builder"]);
    await eventually("the builder's token", async () => (bound || (await getJson(["-n", ns, "get", "serviceaccount", "builder"])).secrets?.length ? true : undefined));
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(pod("orphan", { serviceAccountName: "builder" })));
    const p = await running(ns, "orphan");
    expect(p.spec.serviceAccountName).toBe("builder");
    expect(p.spec.volumes[0].name).toMatch(bound ? /^kube-api-access-/ : /^builder-token-/);
  }, slow);

  it.concurrent("mounts nothing when the pod or its ServiceAccount opts out, and keeps a restored token volume", async ({ expect }) => {
    const ns = await namespace("adm-optout");
    await defaultAccount(ns);
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(pod("quiet", { automountServiceAccountToken: false })));
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot" }, automountServiceAccountToken: false }));
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(pod("robotic", { serviceAccountName: "robot" })));
    for (const name of ["quiet", "robotic"]) {
      const p = await running(ns, name);
      expect(p.spec.volumes).toBeUndefined();
      expect(p.spec.containers[0].volumeMounts).toBeUndefined();
    }

    // A pod that already mounts something at the path gets no second volume.
    const own = pod("own", { volumes: [{ name: "creds", emptyDir: {} }] }) as any;
    own.spec.containers[0].volumeMounts = [{ name: "creds", mountPath }];
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(own));
    const p = await getJson(["-n", ns, "get", "pod", "own"]);
    expect(p.spec.volumes.map((v: { name: string }) => v.name)).toEqual(["creds"]);
    expect(p.spec.containers[0].volumeMounts).toEqual([{ name: "creds", mountPath }]);

    // A pod restored with the token volume a backup held keeps that one and gets no other.
    const held = bound
      ? { name: "kube-api-access-b2c4d", projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: "token" } }] } }
      : { name: "default-token-old12", secret: { secretName: "default-token-old12", defaultMode: 420 } };
    const restored = pod("restored", { volumes: [held] }) as any;
    restored.spec.containers[0].volumeMounts = [{ name: held.name, readOnly: true, mountPath }];
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(restored));
    const r = await getJson(["-n", ns, "get", "pod", "restored"]);
    expect(r.spec.volumes).toEqual([held]);
    expect(r.spec.containers[0].volumeMounts).toEqual([{ name: held.name, readOnly: true, mountPath }]);
  }, slow);

  it.concurrent("a Deployment's pods mount the credentials too", async ({ expect }) => {
    const ns = await namespace("adm-deploy");
    await defaultAccount(ns);
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "api" },
      spec: { replicas: 1, selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "main", image: "nginx:1.25" }] } } },
    };
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment));
    await k(["-n", ns, "rollout", "status", "deployment/api", "--timeout=60s"]);
    const pods = await getJson<{ items: Obj[] }>(["-n", ns, "get", "pods", "-l", "app=api"]);
    expect(pods.items[0]!.spec.containers[0].volumeMounts).toEqual([{ name: pods.items[0]!.spec.volumes[0].name, readOnly: true, mountPath }]);
    // The template itself stays as written: only pods get the volume.
    const d = await getJson(["-n", ns, "get", "deployment", "api"]);
    expect(d.spec.template.spec.volumes).toBeUndefined();
    expect(d.spec.template.spec.serviceAccountName).toBeUndefined();
  }, slow);

  it.concurrent(`${minor >= 20 ? "publishes" : "does not publish"} kube-root-ca.crt in every namespace`, async ({ expect }) => {
    const ns = await namespace("adm-rootca");
    if (minor < 20) {
      await defaultAccount(ns);
      expect((await kr(["-n", ns, "get", "configmap", "kube-root-ca.crt"])).code).not.toBe(0);
      return;
    }
    const cm = await eventually("kube-root-ca.crt", async () => getJson(["-n", ns, "get", "configmap", "kube-root-ca.crt"]).catch(() => undefined));
    expect(Object.keys(cm.data!)).toEqual(["ca.crt"]);
    expect(cm.data!["ca.crt"]).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    if (session.cluster.caPem) expect(cm.data!["ca.crt"]).toBe(session.cluster.caPem);
    expect(cm.metadata.annotations?.["kubernetes.io/description"]).toBe(minor >= 22 ? description : undefined);
    for (const system of ["default", "kube-system"]) {
      expect((await getJson(["-n", system, "get", "configmap", "kube-root-ca.crt"])).data).toEqual(cm.data);
    }

    // Edited, it is put back; deleted, it comes back.
    await k(["-n", ns, "patch", "configmap", "kube-root-ca.crt", "--type=merge", "-p", JSON.stringify({ data: { "ca.crt": "tampered" } })]);
    await eventually("ca.crt restored", async () => ((await getJson(["-n", ns, "get", "configmap", "kube-root-ca.crt"])).data?.["ca.crt"] === cm.data!["ca.crt"] ? true : undefined));
    await k(["-n", ns, "delete", "configmap", "kube-root-ca.crt"]);
    const again = await eventually("kube-root-ca.crt again", async () => {
      const cur = await getJson(["-n", ns, "get", "configmap", "kube-root-ca.crt"]).catch(() => undefined);
      return cur && cur.metadata.uid !== cm.metadata.uid ? cur : undefined;
    });
    expect(again.data).toEqual(cm.data);
  }, slow);

  it.concurrent("pods created right after their namespace, from the same process, are admitted", async ({ expect }) => {
    const core = kubeConfigFor(session.cluster).makeApiClient(CoreV1Api);
    for (let i = 0; i < 5; i++) {
      const ns = `adm-race-${version.replace(".", "-")}-${i}`;
      await core.createNamespace({ body: { metadata: { name: ns } } });
      const created = await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: "first" }, spec: { containers: [{ name: "app", image: "nginx:1.25" }] } } });
      expect(created.spec?.serviceAccountName).toBe("default");
      expect(created.spec?.volumes).toHaveLength(1);
    }
  }, slow);
});
