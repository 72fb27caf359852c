// The Deployment controller against real kubectl and client-node: rollouts that `kubectl
// rollout status` sees finish, pod-template-hash ReplicaSets, rolling and Recreate updates,
// undo, scale, pause, history cleanup, and garbage collection of ReplicaSets and pods.
import type { V1Deployment } from "@kubernetes/client-node";
import { describe, it } from "vitest";
import { useClientNode } from "../support/client-node.js";
import { eventually as poll } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

// Controllers, scheduler and kubelet work in the background, and each kubectl call costs
// seconds on a busy two-core machine: wait generously, a test still ends as soon as it can.
const slow = 180_000;
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000) => poll(what, probe, timeoutMs);

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
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
    deletionTimestamp?: string;
  };
  spec?: any;
  status?: any;
  [key: string]: any;
}
interface List {
  items: Obj[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hashAlphabet = /^[bcdfghjklmnpqrstvwxz2456789]+$/;

function deployment(name: string, spec: Record<string, unknown> = {}, image = "nginx:1.25") {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image }] } },
      ...spec,
    },
  };
}

describe.each(matrix)("Deployments with kubectl against $version over $transport", ({ version, transport }) => {
  const { k, getJson, namespace } = useKubectlCluster<Obj>(version, transport);

  const replicaSets = async (ns: string) => (await getJson<List>(["-n", ns, "get", "replicasets"])).items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const livePods = async (ns: string, selector: string) =>
    (await getJson<List>(["-n", ns, "get", "pods", "-l", selector])).items.filter((p) => !p.metadata.deletionTimestamp);
  /** Events about `name`, in the order they were recorded. */
  const eventsAbout = async (ns: string, name: string) =>
    (await getJson<List>(["-n", ns, "get", "events"])).items
      .filter((e) => e.involvedObject.name === name)
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
  const rolloutStatus = (ns: string, name: string) => k(["-n", ns, "rollout", "status", `deployment/${name}`, "--timeout=60s"]);
  /** "Scaled up replica set X to N", in the wording of the persona's release. */
  const scaledTo = (op: string, rs: string, to: number, from: number) => (version === "1.16" ? `Scaled ${op} replica set ${rs} to ${to}` : `Scaled ${op} replica set ${rs} to ${to} from ${from}`);

  it.concurrent("kubectl create deployment rolls out: a pod-template-hash ReplicaSet, its pods, status and conditions", async ({ expect }) => {
    const ns = await namespace("deploy-create");
    await k(["-n", ns, "create", "deployment", "web", "--image=nginx:1.25", "--replicas=3"]);
    expect(await rolloutStatus(ns, "web")).toContain(`deployment "web" successfully rolled out`);

    const d = await getJson(["-n", ns, "get", "deployment", "web"]);
    expect(d.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
    expect(d.status).toMatchObject({ observedGeneration: d.metadata.generation, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status.unavailableReplicas).toBeUndefined();
    const conditions = Object.fromEntries(d.status.conditions.map((c: any) => [c.type, c]));
    expect(conditions.Available).toMatchObject({ status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability." });

    const [rs, ...others] = await replicaSets(ns);
    expect(others).toEqual([]);
    const hash = rs!.metadata.labels!["pod-template-hash"]!;
    expect(hash).toMatch(hashAlphabet);
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(conditions.Progressing).toMatchObject({ status: "True", reason: "NewReplicaSetAvailable", message: `ReplicaSet "web-${hash}" has successfully progressed.` });
    expect(rs!.spec.selector.matchLabels).toEqual({ app: "web", "pod-template-hash": hash });
    expect(rs!.spec.template.metadata.labels).toEqual({ app: "web", "pod-template-hash": hash });
    expect(rs!.metadata.annotations).toMatchObject({
      "deployment.kubernetes.io/revision": "1",
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
    });
    expect(rs!.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(rs!.status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });

    const pods = await livePods(ns, "app=web");
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata.labels?.["pod-template-hash"]).toBe(hash);
      expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: "ReplicaSet", name: rs!.metadata.name, uid: rs!.metadata.uid, controller: true });
    }
    const deploymentEvents = (await eventsAbout(ns, "web")).map((e) => `${e.source.component} ${e.reason} ${e.message}`);
    expect(deploymentEvents).toEqual([`deployment-controller ScalingReplicaSet Scaled up replica set web-${hash} to 3`]);
    const rsEvents = await eventsAbout(ns, rs!.metadata.name);
    expect(rsEvents.map((e) => e.reason)).toEqual(["SuccessfulCreate", "SuccessfulCreate", "SuccessfulCreate"]);
    expect(rsEvents.map((e) => e.message).sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
    expect(rsEvents[0]!.source.component).toBe("replicaset-controller");
  }, slow);

  it.concurrent("an image change rolls out a new ReplicaSet within maxSurge, revision 2; rollout undo brings revision 1's ReplicaSet back as 3", async ({ expect }) => {
    const ns = await namespace("deploy-roll");
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("web", { replicas: 4, strategy })));
    await rolloutStatus(ns, "web");
    const [first] = await replicaSets(ns);
    await k(["-n", ns, "set", "image", "deployment/web", "main=nginx:1.26"]);
    expect(await rolloutStatus(ns, "web")).toContain(`deployment "web" successfully rolled out`);

    const sets = await replicaSets(ns);
    expect(sets).toHaveLength(2);
    const second = sets.find((rs) => rs.metadata.uid !== first!.metadata.uid)!;
    const old = sets.find((rs) => rs.metadata.uid === first!.metadata.uid)!;
    expect(second.metadata.labels!["pod-template-hash"]).not.toBe(first!.metadata.labels!["pod-template-hash"]);
    expect(second.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    expect(second.spec.replicas).toBe(4);
    expect(old.spec.replicas).toBe(0);
    expect(old.status.replicas).toBe(0);
    const d = await getJson(["-n", ns, "get", "deployment", "web"]);
    expect(d.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    const pods = await livePods(ns, "app=web");
    expect(pods.map((p) => p.metadata.labels!["pod-template-hash"])).toEqual(Array(4).fill(second.metadata.labels!["pod-template-hash"]));

    // Replaying the scaling events: never more than replicas + maxSurge pods asked for, and the new set grows first.
    const scaling = (await eventsAbout(ns, "web")).filter((e) => e.reason === "ScalingReplicaSet").slice(1);
    expect(scaling[0]!.message).toBe(`Scaled up replica set ${second.metadata.name} to 1`);
    const sizes = new Map([[first!.metadata.name, 4]]);
    for (const e of scaling) {
      const [, rs, to] = /replica set (\S+) to (\d+)/.exec(e.message)!;
      sizes.set(rs!, Number(to));
      expect([...sizes.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5);
    }
    expect(scaling.at(-1)!.message).toBe(scaledTo("down", first!.metadata.name, 0, 1));

    expect(await k(["-n", ns, "rollout", "history", "deployment/web"])).toMatch(/^1\s.*\n2\s/m);
    await k(["-n", ns, "rollout", "undo", "deployment/web"]);
    await rolloutStatus(ns, "web");
    const afterUndo = await replicaSets(ns);
    expect(afterUndo).toHaveLength(2);
    const back = afterUndo.find((rs) => rs.metadata.uid === first!.metadata.uid)!;
    expect(back.spec.replicas).toBe(4);
    expect(back.metadata.annotations).toMatchObject({ "deployment.kubernetes.io/revision": "3", "deployment.kubernetes.io/revision-history": "1" });
    const undone = await getJson(["-n", ns, "get", "deployment", "web"]);
    expect(undone.spec.template.spec.containers[0].image).toBe("nginx:1.25");
    expect(undone.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
  }, slow);

  it.concurrent("kubectl scale changes the pod count both ways, recorded as ScalingReplicaSet", async ({ expect }) => {
    const ns = await namespace("deploy-scale");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("web", { replicas: 2 })));
    await rolloutStatus(ns, "web");
    const [rs] = await replicaSets(ns);
    await k(["-n", ns, "scale", "deployment/web", "--replicas=5"]);
    await eventually("5 pods", async () => ((await livePods(ns, "app=web")).length === 5 ? true : undefined));
    await rolloutStatus(ns, "web");
    await k(["-n", ns, "scale", "deployment/web", "--replicas=1"]);
    await eventually("1 pod", async () => ((await livePods(ns, "app=web")).length === 1 ? true : undefined));
    const d = await eventually("status of 1 replica", async () => {
      const cur = await getJson(["-n", ns, "get", "deployment", "web"]);
      return cur.status.replicas === 1 && cur.status.availableReplicas === 1 ? cur : undefined;
    });
    expect(d.status.updatedReplicas).toBe(1);
    const [after, ...more] = await replicaSets(ns);
    expect(more).toEqual([]);
    expect(after!.metadata.uid).toBe(rs!.metadata.uid);
    expect(after!.metadata.annotations?.["deployment.kubernetes.io/desired-replicas"]).toBe("1");
    const messages = (await eventsAbout(ns, "web")).map((e) => e.message);
    expect(messages).toEqual([`Scaled up replica set ${rs!.metadata.name} to 2`, scaledTo("up", rs!.metadata.name, 5, 2), scaledTo("down", rs!.metadata.name, 1, 5)]);
  }, slow);

  it.concurrent("Recreate scales the old ReplicaSet to zero before the new one comes up", async ({ expect }) => {
    const ns = await namespace("deploy-recreate");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("web", { replicas: 2, strategy: { type: "Recreate" } })));
    await rolloutStatus(ns, "web");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("web", { replicas: 2, strategy: { type: "Recreate" } }, "nginx:1.26")));
    await rolloutStatus(ns, "web");
    const sets = await replicaSets(ns);
    const [oldRS, newRS] = [sets.find((rs) => rs.spec.replicas === 0)!, sets.find((rs) => rs.spec.replicas === 2)!];
    const messages = (await eventsAbout(ns, "web")).map((e) => e.message);
    expect(messages).toEqual([`Scaled up replica set ${oldRS.metadata.name} to 2`, scaledTo("down", oldRS.metadata.name, 0, 2), `Scaled up replica set ${newRS.metadata.name} to 2`]);
  }, slow);

  it.concurrent("a paused Deployment makes no new ReplicaSet until resumed", async ({ expect }) => {
    const ns = await namespace("deploy-pause");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("web", { replicas: 2 })));
    await rolloutStatus(ns, "web");
    await k(["-n", ns, "rollout", "pause", "deployment/web"]);
    await k(["-n", ns, "set", "image", "deployment/web", "main=nginx:1.26"]);
    const paused = await eventually("the paused condition", async () => {
      const d = await getJson(["-n", ns, "get", "deployment", "web"]);
      return d.status.conditions?.find((c: any) => c.type === "Progressing" && c.reason === "DeploymentPaused") ? d : undefined;
    });
    expect(paused.status.conditions.find((c: any) => c.type === "Progressing")).toMatchObject({ status: "Unknown", message: "Deployment is paused" });
    expect(paused.status.observedGeneration).toBe(paused.metadata.generation);
    await sleep(300);
    expect(await replicaSets(ns)).toHaveLength(1);
    await k(["-n", ns, "rollout", "resume", "deployment/web"]);
    await rolloutStatus(ns, "web");
    expect(await replicaSets(ns)).toHaveLength(2);
  }, slow);

  it.concurrent("old ReplicaSets beyond revisionHistoryLimit are deleted", async ({ expect }) => {
    const ns = await namespace("deploy-history");
    for (const image of ["nginx:1.23", "nginx:1.24", "nginx:1.25", "nginx:1.26"]) {
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("web", { replicas: 1, revisionHistoryLimit: 1 }, image)));
      await rolloutStatus(ns, "web");
    }
    const sets = await eventually("history trimmed to one old ReplicaSet", async () => {
      const rss = await replicaSets(ns);
      return rss.length === 2 ? rss : undefined;
    });
    const revisions = sets.map((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"]).sort();
    expect(revisions).toEqual(["3", "4"]);
  }, slow);

  it.concurrent("deleting a Deployment takes its ReplicaSets and pods along, in the background and in the foreground", async ({ expect }) => {
    const ns = await namespace("deploy-gc");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("bg", { replicas: 2 })));
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("fg", { replicas: 2 })));
    await eventually("4 pods", async () => ((await livePods(ns, "app in (bg,fg)")).length === 4 ? true : undefined));

    await k(["-n", ns, "delete", "deployment", "bg", "--cascade=background"]);
    await eventually("bg's ReplicaSet and pods gone", async () =>
      (await replicaSets(ns)).every((rs) => !rs.metadata.name.startsWith("bg-")) && (await livePods(ns, "app=bg")).length === 0 ? true : undefined,
    );
    // kubectl waits for the Deployment itself, which goes last in the foreground.
    await k(["-n", ns, "delete", "deployment", "fg", "--cascade=foreground"]);
    expect((await replicaSets(ns)).map((rs) => rs.metadata.name)).toEqual([]);
    expect(await livePods(ns, "app=fg")).toEqual([]);
  }, slow);
});

describe.each([
  ["1.16", false],
  ["1.30", true],
] as const)("Deployments with client-node against %s (tls: %s)", (version, tls) => {
  const c = useClientNode({ k8sVersion: version, tls }, "deploy");

  it("creates, becomes available, and adopts an orphaned ReplicaSet back after an orphan delete", async ({ expect }) => {
    const namespace = await c.namespace();
    const body = deployment("api", { replicas: 2 }) as V1Deployment;
    await c.apps.createNamespacedDeployment({ namespace, body });
    const ready = await eventually(
      "an available Deployment",
      async () => {
        const d = await c.apps.readNamespacedDeployment({ name: "api", namespace });
        return d.status?.availableReplicas === 2 && d.status.conditions?.some((x) => x.reason === "NewReplicaSetAvailable") ? d : undefined;
      },
    );
    const { items: [rs] } = await c.apps.listNamespacedReplicaSet({ namespace });
    expect(rs!.metadata?.ownerReferences?.[0]?.uid).toBe(ready.metadata?.uid);

    // Deleting with Orphan leaves the ReplicaSet without owner; a new Deployment of the same template adopts it.
    await c.apps.deleteNamespacedDeployment({ name: "api", namespace, propagationPolicy: "Orphan" });
    await eventually("the orphaned ReplicaSet", async () => {
      const cur = await c.apps.readNamespacedReplicaSet({ name: rs!.metadata!.name!, namespace });
      return cur.metadata?.ownerReferences ? undefined : cur;
    });
    const again = await c.apps.createNamespacedDeployment({ namespace, body });
    const adopted = await eventually("the ReplicaSet adopted", async () => {
      const cur = await c.apps.readNamespacedReplicaSet({ name: rs!.metadata!.name!, namespace });
      return cur.metadata?.ownerReferences?.[0]?.uid === again.metadata?.uid ? cur : undefined;
    });
    expect(adopted.metadata?.uid).toBe(rs!.metadata?.uid);
    const { items } = await c.apps.listNamespacedReplicaSet({ namespace });
    expect(items).toHaveLength(1);
    const d = await eventually("revision 1 on the new Deployment", async () => {
      const cur = await c.apps.readNamespacedDeployment({ name: "api", namespace });
      return cur.metadata?.annotations?.["deployment.kubernetes.io/revision"] ? cur : undefined;
    });
    expect(d.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
  }, slow);
});
