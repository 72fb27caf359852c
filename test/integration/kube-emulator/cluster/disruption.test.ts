// The disruption controller against real kubectl on a two-node cluster: PodDisruptionBudget
// status as kube-controller-manager keeps it (expected, healthy and desired pods, disruptions
// allowed, the DisruptionAllowed condition from 1.21), `kubectl drain --ignore-daemonsets`
// evicting the pods a budget allows, and the eviction API refusing one it does not with 429.
// Drains act on a whole node, so the tests of a version run one after another.
import { describe, it } from "vitest";
import { eventually as poll } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

const slow = 180_000;
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000) => poll(what, probe, timeoutMs);

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

interface Obj {
  metadata: { name: string; namespace?: string; generation?: number };
  spec?: any;
  status?: any;
}
interface List {
  items: Obj[];
}
interface EventObj {
  reason: string;
  message: string;
  type: string;
  involvedObject: { kind: string; name: string };
  source?: { component?: string };
}

const violation = "Cannot evict pod as it would violate the pod's disruption budget.";

function deployment(name: string, replicas: number) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image: "nginx:1.25" }] } },
    },
  };
}

describe.each(matrix)("PodDisruptionBudgets on $version over $transport with 2 nodes", ({ version, transport }) => {
  const { k, kr, getJson, namespace } = useKubectlCluster<Obj>(version, transport, { nodes: 2 });
  const policyVersion = version === "1.16" ? "policy/v1beta1" : "policy/v1";
  const conditions = version !== "1.16";

  const budget = (name: string, spec: Record<string, unknown>) =>
    JSON.stringify({ apiVersion: policyVersion, kind: "PodDisruptionBudget", metadata: { name }, spec: { selector: { matchLabels: { app: name } }, ...spec } });

  const readyPods = (ns: string, app: string) =>
    eventually(`the ${app} pods Ready`, async () => {
      const pods = (await getJson<List>(["-n", ns, "get", "pods", "-l", `app=${app}`])).items.filter((p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp);
      const ready = pods.filter((p) => p.status?.conditions?.some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True"));
      return ready.length > 0 && ready.length === pods.length ? pods : undefined;
    });

  /** The budget once the controller has counted `healthy` pods for its current generation. */
  const settled = (ns: string, name: string, healthy: number) =>
    eventually(`the status of budget ${name}`, async () => {
      const pdb = await getJson(["-n", ns, "get", "pdb", name]);
      return pdb.status?.observedGeneration === pdb.metadata.generation && pdb.status?.currentHealthy === healthy ? pdb : undefined;
    });

  it("keeps each budget's status: expected, healthy and desired pods, and the disruptions allowed", async ({ expect }) => {
    const ns = await namespace("pdb-status");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("web", 3)));
    await k(["-n", ns, "apply", "-f", "-"], budget("web", { minAvailable: 2 }));
    await readyPods(ns, "web");
    const pdb = await settled(ns, "web", 3);
    expect(pdb.status).toMatchObject({ observedGeneration: 1, expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect(pdb.status.disruptedPods).toBeUndefined();
    if (conditions) {
      expect(pdb.status.conditions).toEqual([
        { type: "DisruptionAllowed", status: "True", observedGeneration: 1, reason: "SufficientPods", message: "", lastTransitionTime: expect.any(String) },
      ]);
    } else {
      expect(pdb.status.conditions).toBeUndefined();
    }

    // A percentage counts against the Deployment's scale, rounded up: 3 - ceil(50% of 3) = 1.
    await k(["-n", ns, "patch", "pdb", "web", "--type=merge", "-p", JSON.stringify({ spec: { minAvailable: null, maxUnavailable: "50%" } })]);
    const changed = await eventually("the budget's new generation counted", async () => {
      const cur = await getJson(["-n", ns, "get", "pdb", "web"]);
      return cur.metadata.generation === 2 && cur.status?.observedGeneration === 2 ? cur : undefined;
    });
    expect(changed.status).toMatchObject({ expectedPods: 3, currentHealthy: 3, desiredHealthy: 1, disruptionsAllowed: 2 });

    // A budget that selects nothing allows nothing and says so.
    await k(["-n", ns, "apply", "-f", "-"], budget("nobody", { minAvailable: 1 }));
    const empty = await settled(ns, "nobody", 0);
    expect(empty.status).toMatchObject({ expectedPods: 0, desiredHealthy: 1, disruptionsAllowed: 0 });
    if (conditions) expect(empty.status.conditions[0]).toMatchObject({ type: "DisruptionAllowed", status: "False", reason: "InsufficientPods" });
    const events = await eventually("the NoPods event", async () => {
      const list = (await getJson<{ items: EventObj[] }>(["-n", ns, "get", "events"])).items.filter((e) => e.involvedObject.name === "nobody");
      return list.length > 0 ? list : undefined;
    });
    expect(events.map((e) => [e.type, e.reason, e.message, e.source?.component])).toEqual([["Normal", "NoPods", "No matching pods found", "controllermanager"]]);
    await k(["delete", "namespace", ns, "--wait=true", "--timeout=60s"]);
  }, slow);

  it("kubectl drain evicts the pods a budget allows to go; they come back on the other node", async ({ expect }) => {
    const ns = await namespace("pdb-drain");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("api", 2)));
    await k(["-n", ns, "apply", "-f", "-"], budget("api", { minAvailable: 1 }));
    const before = await readyPods(ns, "api");
    await settled(ns, "api", 2);
    const node = before[0]!.spec.nodeName as string;
    const other = node === "node-1" ? "node-2" : "node-1";
    try {
      const drained = await kr(["drain", node, "--ignore-daemonsets", "--timeout=120s"]);
      expect(drained.code).toBe(0);
      expect(drained.stdout).toContain(`node/${node} drained`);
      for (const pod of before.filter((p) => p.spec.nodeName === node)) expect(drained.stdout).toContain(`pod/${pod.metadata.name} evicted`);
      expect((await getJson(["get", "node", node])).spec.unschedulable).toBe(true);
      const after = await eventually("two Ready pods on the other node", async () => {
        const pods = await readyPods(ns, "api");
        return pods.length === 2 && pods.every((p) => p.spec.nodeName === other) ? pods : undefined;
      });
      expect(after.map((p) => p.metadata.name)).not.toContain(before.find((p) => p.spec.nodeName === node)!.metadata.name);
      const pdb = await settled(ns, "api", 2);
      expect(pdb.status).toMatchObject({ expectedPods: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
    } finally {
      await k(["uncordon", node]);
    }
    await k(["delete", "namespace", ns, "--wait=true", "--timeout=60s"]);
  }, slow);

  it("refuses an eviction the budget does not allow with 429, and drain gives up", async ({ expect }) => {
    const ns = await namespace("pdb-block");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("db", 2)));
    await k(["-n", ns, "apply", "-f", "-"], budget("db", { minAvailable: 2 }));
    const pods = await readyPods(ns, "db");
    const pdb = await settled(ns, "db", 2);
    expect(pdb.status).toMatchObject({ expectedPods: 2, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
    if (conditions) expect(pdb.status.conditions[0]).toMatchObject({ type: "DisruptionAllowed", status: "False", reason: "InsufficientPods" });

    const victim = pods[0]!.metadata.name;
    const eviction = { apiVersion: policyVersion, kind: "Eviction", metadata: { name: victim, namespace: ns } };
    const refused = await kr(["create", "--raw", `/api/v1/namespaces/${ns}/pods/${victim}/eviction`, "-f", "-"], JSON.stringify(eviction));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`(TooManyRequests): ${violation}`);

    const node = pods[0]!.spec.nodeName as string;
    try {
      const drained = await kr(["drain", node, "--ignore-daemonsets", "--timeout=8s"]);
      expect(drained.code).not.toBe(0);
      expect(drained.stderr).toContain(violation);
    } finally {
      await k(["uncordon", node]);
    }
    const still = await getJson<List>(["-n", ns, "get", "pods", "-l", "app=db"]);
    expect(still.items.map((p) => p.metadata.name).sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    await k(["delete", "namespace", ns, "--wait=true", "--timeout=60s"]);
  }, slow);
});
