// The StatefulSet controller against real kubectl and client-node, with the emulator's
// scheduler, kubelet and volume binder: ordered creation (the next pod only once the one
// before is Running and Ready), claims from volumeClaimTemplates that outlive pods and the
// set, stable names across deletion, ordered scale-down, rolling updates and `kubectl
// rollout status`.
import { Watch } from "@kubernetes/client-node";
import { describe, it } from "vitest";
import { kubeConfigFor } from "../support/client-node.js";
import { eventually } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
  };
  spec?: any;
  status?: any;
}
interface List {
  items: Obj[];
}
interface PodEvent {
  type: string;
  name: string;
  uid: string;
  resourceVersion: number;
  ready: boolean;
}

function statefulSet(name: string, replicas: number, image = "nginx:1.25") {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image }] } },
      volumeClaimTemplates: [
        { metadata: { name: "www", labels: { tier: "data" } }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
      ],
    },
  };
}

const isReady = (pod: any): boolean => pod.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True") ?? false;

describe.each(matrix)("StatefulSets on $version over $transport", ({ version, transport }) => {
  const session = useKubectlCluster<Obj>(version, transport);
  const { k, getJson, namespace } = session;

  /** Every pod event of a namespace from now on, in the order the server sent them. */
  async function watchPods(ns: string): Promise<{ events: PodEvent[]; stop: () => void }> {
    const events: PodEvent[] = [];
    const controller = await new Watch(kubeConfigFor(session.cluster)).watch(
      `/api/v1/namespaces/${ns}/pods`,
      {},
      (type, pod: any) => events.push({ type, name: pod.metadata.name, uid: pod.metadata.uid, resourceVersion: Number(pod.metadata.resourceVersion), ready: isReady(pod) }),
      () => {},
    );
    return { events, stop: () => controller.abort() };
  }

  it.concurrent("creates web-0, web-1, web-2 in order, each after the one before is Ready, with claims that outlive the set", async ({ expect }) => {
    const ns = await namespace("sts-order");
    const watch = await watchPods(ns);
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(statefulSet("web", 3)));
    const rollout = await k(["-n", ns, "rollout", "status", "statefulset/web", "--timeout=60s"]);
    expect(rollout).toMatch(/roll out complete|partitioned roll out complete/);
    watch.stop();

    const pods = await getJson<List>(["-n", ns, "get", "pods"]);
    expect(pods.items.map((p) => p.metadata.name).sort()).toEqual(["web-0", "web-1", "web-2"]);
    const byName = new Map(pods.items.map((p) => [p.metadata.name, p]));
    const created = (n: string) => Date.parse(byName.get(n)!.metadata.creationTimestamp);
    expect(created("web-0")).toBeLessThanOrEqual(created("web-1"));
    expect(created("web-1")).toBeLessThanOrEqual(created("web-2"));
    // Ordered creation: a pod is added only after an event showing its predecessor Ready.
    const added = (n: string) => watch.events.find((e) => e.type === "ADDED" && e.name === n)!;
    const firstReady = (n: string) => watch.events.find((e) => e.name === n && e.ready)!;
    expect(added("web-0").resourceVersion).toBeLessThan(added("web-1").resourceVersion);
    expect(added("web-1").resourceVersion).toBeLessThan(added("web-2").resourceVersion);
    expect(firstReady("web-0").resourceVersion).toBeLessThan(added("web-1").resourceVersion);
    expect(firstReady("web-1").resourceVersion).toBeLessThan(added("web-2").resourceVersion);

    const web1 = byName.get("web-1")!;
    expect(web1.metadata.labels).toMatchObject({ app: "web", "statefulset.kubernetes.io/pod-name": "web-1" });
    expect(web1.metadata.labels?.["apps.kubernetes.io/pod-index"]).toBe(version === "1.30" ? "1" : undefined);
    expect(web1.spec).toMatchObject({ hostname: "web-1", subdomain: "web" });
    // The claim's volume, then the ServiceAccount token the admission plugin mounts.
    expect(web1.spec.volumes[0]).toEqual({ name: "www", persistentVolumeClaim: { claimName: "www-web-1" } });
    expect(web1.spec.volumes.slice(1).map((v: { name: string }) => v.name)).toEqual([expect.stringMatching(version === "1.16" ? /^default-token-/ : /^kube-api-access-/)]);
    expect(web1.metadata.ownerReferences).toMatchObject([{ kind: "StatefulSet", name: "web", controller: true }]);

    const sts = await getJson(["-n", ns, "get", "statefulset", "web"]);
    expect(sts.status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1 });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    expect(web1.metadata.labels?.["controller-revision-hash"]).toBe(sts.status.updateRevision);
    const revision = await getJson(["-n", ns, "get", "controllerrevision", sts.status.updateRevision]);
    expect(revision).toMatchObject({ revision: 1, metadata: { ownerReferences: [{ kind: "StatefulSet", name: "web", controller: true }] } });

    const claims = await getJson<List>(["-n", ns, "get", "pvc"]);
    expect(claims.items.map((c) => c.metadata.name).sort()).toEqual(["www-web-0", "www-web-1", "www-web-2"]);
    for (const claim of claims.items) {
      expect(claim.metadata.labels).toEqual({ tier: "data", app: "web" });
      expect(claim.metadata.ownerReferences).toBeUndefined();
    }
    const events = await getJson<List>(["-n", ns, "get", "events", "--field-selector", "involvedObject.name=web"]);
    const messages = events.items.map((e: any) => `${e.reason}: ${e.message}`);
    expect(messages).toContain("SuccessfulCreate: create Pod web-0 in StatefulSet web successful");
    expect(messages).toContain("SuccessfulCreate: create Claim www-web-0 Pod web-0 in StatefulSet web success");

    // Deleting the set takes its pods (garbage collection) but leaves the claims.
    await k(["-n", ns, "delete", "statefulset", "web", "--wait=true"]);
    await eventually("pods gone", async () => ((await getJson<List>(["-n", ns, "get", "pods"])).items.length === 0 ? true : undefined), 30_000);
    const left = await getJson<List>(["-n", ns, "get", "pvc"]);
    expect(left.items.map((c) => c.metadata.name).sort()).toEqual(["www-web-0", "www-web-1", "www-web-2"]);
  }, 120_000);

  it.concurrent("recreates a deleted pod under its name, and scales down from the highest ordinal keeping the claims", async ({ expect }) => {
    const ns = await namespace("sts-scale");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(statefulSet("db", 3)));
    await k(["-n", ns, "rollout", "status", "statefulset/db", "--timeout=60s"]);

    const before = await getJson(["-n", ns, "get", "pod", "db-1"]);
    await k(["-n", ns, "delete", "pod", "db-1", "--wait=true"]);
    const after = await eventually(
      "db-1 back",
      async () => {
        const r = await k(["-n", ns, "get", "pods", "-o", "json"]);
        const pod = (JSON.parse(r) as List).items.find((p) => p.metadata.name === "db-1");
        return pod && pod.metadata.uid !== before.metadata.uid && isReady(pod) ? pod : undefined;
      },
      30_000,
    );
    expect(after.spec.volumes).toContainEqual({ name: "www", persistentVolumeClaim: { claimName: "www-db-1" } });

    const watch = await watchPods(ns);
    await k(["-n", ns, "scale", "statefulset/db", "--replicas=1"]);
    await eventually("scaled to 1", async () => ((await getJson<List>(["-n", ns, "get", "pods"])).items.length === 1 ? true : undefined), 30_000);
    watch.stop();
    const deleted = watch.events.filter((e) => e.type === "DELETED").map((e) => e.name);
    expect(deleted).toEqual(["db-2", "db-1"]);
    const claims = await getJson<List>(["-n", ns, "get", "pvc"]);
    expect(claims.items.map((c) => c.metadata.name).sort()).toEqual(["www-db-0", "www-db-1", "www-db-2"]);
    const sts = await eventually("status", async () => {
      const s = await getJson(["-n", ns, "get", "statefulset", "db"]);
      return s.status.replicas === 1 ? s : undefined;
    }, 30_000);
    expect(sts.status).toMatchObject({ replicas: 1, readyReplicas: 1 });
  }, 120_000);

  it.concurrent("rolls a new image out from the highest ordinal, which kubectl rollout status follows", async ({ expect }) => {
    const ns = await namespace("sts-roll");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(statefulSet("app", 2)));
    await k(["-n", ns, "rollout", "status", "statefulset/app", "--timeout=60s"]);
    const first = await getJson(["-n", ns, "get", "statefulset", "app"]);
    const watch = await watchPods(ns);
    await k(["-n", ns, "set", "image", "statefulset/app", "main=nginx:1.26"]);
    await k(["-n", ns, "rollout", "status", "statefulset/app", "--timeout=60s"]);
    watch.stop();
    const sts = await eventually("rolled", async () => {
      const s = await getJson(["-n", ns, "get", "statefulset", "app"]);
      return s.status.currentRevision === s.status.updateRevision && s.status.updatedReplicas === 2 ? s : undefined;
    }, 30_000);
    expect(sts.status.updateRevision).not.toBe(first.status.updateRevision);
    expect(watch.events.filter((e) => e.type === "DELETED").map((e) => e.name)).toEqual(["app-1", "app-0"]);
    const pods = await getJson<List>(["-n", ns, "get", "pods"]);
    for (const pod of pods.items) {
      expect(pod.spec.containers[0].image).toBe("nginx:1.26");
      expect(pod.metadata.labels?.["controller-revision-hash"]).toBe(sts.status.updateRevision);
    }
    const history = await k(["-n", ns, "rollout", "history", "statefulset/app"]);
    expect(history).toMatch(/REVISION[\s\S]*1[\s\S]*2/);
  }, 120_000);
});
