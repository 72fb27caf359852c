// Everyday kubectl verbs against both personas over HTTP and HTTPS: create, the
// `kubectl create <kind>` generators, get in every output format, describe, label,
// annotate, patch (merge, JSON, strategic), scale, delete, namespace deletion,
// selectors and chunked lists.
import { describe, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { serial, useKubectlCluster } from "../support/kubectl-session.js";

// Each persona over one transport; apply, errors and wait-watch take the other two pairings,
// and a kubectl call costs about 0.3 s of CPU, so the full cross product would not pay for itself.
const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string; finalizers?: string[] };
  data?: Record<string, string>;
  spec?: any;
  status?: any;
  type?: string;
}
interface List {
  kind: string;
  items: Obj[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function deployment(name: string, env: { name: string; value: string }[] = []) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image: "nginx:1.25", env }, { name: "sidecar", image: "busybox:1.36" }] } },
    },
  };
}

describe.each(matrix)("kubectl CRUD against $version over $transport", ({ version, transport }) => {
  const { k, kr, getJson, namespace, requests } = useKubectlCluster<Obj>(version, transport, { logRequests: true });

  it.concurrent("create -f a multi-document YAML file, then get -o json|yaml|name|wide", async ({ expect }) => {
    const ns = await namespace("crud-create");
    const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  labels: {tier: web}
data:
  mode: production
  level: "3"
---
apiVersion: v1
kind: Secret
metadata:
  name: app-secret
  labels: {tier: web}
type: Opaque
stringData:
  password: s3cret
`;
    const created = await k(["-n", ns, "create", "-f", "-"], manifest);
    expect(created).toContain("configmap/app-config created");
    expect(created).toContain("secret/app-secret created");

    const list = await getJson<List>(["-n", ns, "get", "configmaps,secrets", "-l", "tier=web"]);
    expect(list.kind).toBe("List");
    expect(list.items.map((i) => `${i.kind}/${i.metadata.name}`).sort()).toEqual(["ConfigMap/app-config", "Secret/app-secret"]);
    const cm = list.items.find((i) => i.kind === "ConfigMap")!;
    expect(cm.apiVersion).toBe("v1");
    expect(cm.metadata.namespace).toBe(ns);
    expect(cm.data).toEqual({ mode: "production", level: "3" });
    expect(cm.metadata.labels).toEqual({ tier: "web" });
    const secret = list.items.find((i) => i.kind === "Secret")!;
    expect(secret.type).toBe("Opaque");
    // The API server folds stringData into base64 data.
    expect(secret.data).toEqual({ password: Buffer.from("s3cret").toString("base64") });
    expect((secret as unknown as Record<string, unknown>).stringData).toBeUndefined();

    const [yamlOut, namesOut, wide, jsonpath] = await Promise.all([
      k(["-n", ns, "get", "cm", "app-config", "-o", "yaml"]),
      k(["-n", ns, "get", "cm,secret", "-l", "tier=web", "-o", "name"]),
      k(["-n", ns, "get", "configmap", "app-config", "-o", "wide"]),
      k(["-n", ns, "get", "cm", "app-config", "-o", "jsonpath={.data.mode}"]),
    ]);
    const yaml = parseYaml(yamlOut) as Obj;
    expect(yaml.kind).toBe("ConfigMap");
    expect(yaml.metadata.name).toBe("app-config");
    expect(yaml.data?.mode).toBe("production");
    expect(namesOut.trim().split("\n")).toEqual(["configmap/app-config", "secret/app-secret"]);
    expect(wide).toMatch(/^NAME\s/);
    expect(wide).toMatch(/^app-config\s/m);
    expect(jsonpath).toBe("production");
  });

  it.concurrent("kubectl create namespace|configmap|secret generic|deployment generators", async ({ expect }) => {
    const ns = `crud-gen-${serial()}`;
    expect(await k(["create", "namespace", ns])).toContain(`namespace/${ns} created`);
    const [cmOut, secretOut, deployOut] = await Promise.all([
      k(["-n", ns, "create", "configmap", "gen-cm", "--from-literal=color=blue", "--from-literal=size=L"]),
      k(["-n", ns, "create", "secret", "generic", "gen-secret", "--from-literal=token=abc123"]),
      k(["-n", ns, "create", "deployment", "gen-deploy", "--image=nginx:1.25", "--replicas=2"]),
    ]);
    expect(cmOut).toContain("configmap/gen-cm created");
    expect(secretOut).toContain("secret/gen-secret created");
    expect(deployOut).toContain("deployment.apps/gen-deploy created");

    const { items } = await getJson<List>(["-n", ns, "get", `namespace/${ns}`, "configmap/gen-cm", "secret/gen-secret", "deployment/gen-deploy"]);
    expect(items.map((i) => i.kind)).toEqual(["Namespace", "ConfigMap", "Secret", "Deployment"]);
    const [nsObj, cm, secret, deploy] = items as [Obj, Obj, Obj, Obj];
    expect(nsObj.status.phase).toBe("Active");
    expect(cm.data).toEqual({ color: "blue", size: "L" });
    expect(secret.type).toBe("Opaque");
    expect(Buffer.from(secret.data!.token!, "base64").toString()).toBe("abc123");
    expect(deploy.spec.replicas).toBe(2);
    expect(deploy.spec.selector.matchLabels).toEqual({ app: "gen-deploy" });
    expect(deploy.spec.template.spec.containers[0].image).toBe("nginx:1.25");
  });

  it.concurrent("kubectl describe deployment, configmap and namespace", async ({ expect }) => {
    const ns = await namespace("crud-describe");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [deployment("described"), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "described-cm" }, data: { key: "value" } }] }));
    const [d, c, n] = await Promise.all([k(["-n", ns, "describe", "deployment", "described"]), k(["-n", ns, "describe", "configmap", "described-cm"]), k(["describe", "namespace", ns])]);
    expect(d).toMatch(/^Name:\s+described$/m);
    expect(d).toMatch(/^Namespace:\s+/m);
    expect(d).toMatch(/Image:\s+nginx:1\.25/);
    expect(c).toMatch(/^Name:\s+described-cm$/m);
    expect(c).toContain("key");
    expect(c).toContain("value");
    expect(n).toMatch(new RegExp(`^Name:\\s+${ns}$`, "m"));
    expect(n).toMatch(/^Status:\s+Active$/m);
  });

  it.concurrent("kubectl label: add, overwrite only with --overwrite, remove with key-", async ({ expect }) => {
    const ns = await namespace("crud-label");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "labelled" }, data: {} }));
    expect(await k(["-n", ns, "label", "configmap", "labelled", "color=red", "size=big"])).toContain("configmap/labelled labeled");
    expect((await getJson(["-n", ns, "get", "cm", "labelled"])).metadata.labels).toEqual({ color: "red", size: "big" });

    const refused = await kr(["-n", ns, "label", "configmap", "labelled", "color=blue"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("'color' already has a value (red), and --overwrite is false");
    expect((await getJson(["-n", ns, "get", "cm", "labelled"])).metadata.labels?.color).toBe("red");

    // With -o json kubectl prints the object the server returned from the patch.
    expect((await getJson(["-n", ns, "label", "configmap", "labelled", "color=blue", "--overwrite"])).metadata.labels).toEqual({ color: "blue", size: "big" });
    expect((await getJson(["-n", ns, "label", "configmap", "labelled", "size-"])).metadata.labels).toEqual({ color: "blue" });
  });

  it.concurrent("kubectl patch --type merge, json and strategic (container env merged by name)", async ({ expect }) => {
    const ns = await namespace("crud-patch");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [
      deployment("patched", [{ name: "A", value: "1" }, { name: "B", value: "2" }]),
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "patched-cm" }, data: { keep: "1", drop: "2", change: "old" } },
    ] }));

    // Strategic (kubectl's default for built-in types): containers merge by name, env by name.
    const strategic = { spec: { template: { spec: { containers: [{ name: "main", env: [{ name: "B", value: "20" }, { name: "C", value: "3" }] }] } } } };
    expect(await k(["-n", ns, "patch", "deployment", "patched", "-p", JSON.stringify(strategic)])).toContain("deployment.apps/patched patched");
    let d = await getJson(["-n", ns, "get", "deployment", "patched"]);
    const containers = d.spec.template.spec.containers as { name: string; image: string; env?: { name: string; value: string }[] }[];
    expect(containers.map((c) => c.name)).toEqual(["main", "sidecar"]);
    expect(containers[0]!.image).toBe("nginx:1.25");
    const env = Object.fromEntries((containers[0]!.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toEqual({ A: "1", B: "20", C: "3" });

    // Strategic with --type explicitly and a $patch: delete directive.
    // From here on -o json: kubectl prints what the server returned from the patch.
    d = await getJson(["-n", ns, "patch", "deployment", "patched", "--type", "strategic", "-p", JSON.stringify({ spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } } })]);
    expect((d.spec.template.spec.containers as { name: string }[]).map((c) => c.name)).toEqual(["main"]);

    // Merge patch: maps merge, null deletes, lists are replaced wholesale.
    const cm = await getJson(["-n", ns, "patch", "configmap", "patched-cm", "--type", "merge", "-p", JSON.stringify({ data: { drop: null, change: "new", added: "yes" } })]);
    expect(cm.data).toEqual({ keep: "1", change: "new", added: "yes" });
    d = await getJson(["-n", ns, "patch", "deployment", "patched", "--type", "merge", "-p", JSON.stringify({ spec: { template: { spec: { containers: [{ name: "only", image: "busybox:1.36" }] } } } })]);
    expect(d.spec.template.spec.containers).toEqual([expect.objectContaining({ name: "only", image: "busybox:1.36" })]);
    expect(d.spec.template.spec.containers[0].env).toBeUndefined();

    // JSON patch: add, replace, remove, and a failing test op leaves the object alone.
    const jsonPatched = await getJson(["-n", ns, "patch", "configmap", "patched-cm", "--type", "json", "-p", JSON.stringify([
      { op: "add", path: "/data/json", value: "added" },
      { op: "replace", path: "/data/keep", value: "replaced" },
      { op: "remove", path: "/data/added" },
    ])]);
    expect(jsonPatched.data).toEqual({ keep: "replaced", change: "new", json: "added" });
    const failed = await kr(["-n", ns, "patch", "configmap", "patched-cm", "--type", "json", "-p", JSON.stringify([{ op: "test", path: "/data/keep", value: "nope" }, { op: "remove", path: "/data/keep" }])]);
    expect(failed.code).not.toBe(0);
    expect((await getJson(["-n", ns, "get", "cm", "patched-cm"])).data?.keep).toBe("replaced");
  });

  it.concurrent("kubectl scale deployment --replicas", async ({ expect }) => {
    const ns = await namespace("crud-scale");
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify(deployment("scaled")));
    expect(await k(["-n", ns, "scale", "deployment", "scaled", "--replicas=5"])).toContain("deployment.apps/scaled scaled");
    expect((await getJson(["-n", ns, "get", "deployment", "scaled"])).spec.replicas).toBe(5);
    // The precondition is checked against the scale subresource.
    const mismatch = await kr(["-n", ns, "scale", "deployment", "scaled", "--current-replicas=2", "--replicas=1"]);
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.stderr).toMatch(/expected replicas to be 2, was 5/i);
    await k(["-n", ns, "scale", "deployment", "scaled", "--current-replicas=5", "--replicas=0"]);
    expect((await getJson(["-n", ns, "get", "deployment", "scaled"])).spec.replicas).toBe(0);
  });

  it.concurrent("get --chunk-size=2 over 7 objects pages through all 7", async ({ expect }) => {
    const ns = await namespace("crud-chunk");
    const items = Array.from({ length: 7 }, (_, i) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `chunk-${i}`, labels: { chunked: "yes" } }, data: { i: String(i) } }));
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
    const mark = requests.length;
    const out = (await k(["-n", ns, "get", "configmaps", "-l", "chunked=yes", "--chunk-size=2", "-o", "name"])).trim().split("\n");
    expect(out.sort()).toEqual(items.map((i) => `configmap/${i.metadata.name}`).sort());
    // Four pages: three with a continue token.
    const pages = requests.slice(mark).filter((l) => l.startsWith(`GET /api/v1/namespaces/${ns}/configmaps?`) && l.includes("limit=2"));
    expect(pages.length).toBe(4);
    expect(pages.filter((l) => l.includes("continue=")).length).toBe(3);

    // The table printer pages too.
    const table = (await k(["-n", ns, "get", "configmaps", "-l", "chunked=yes", "--chunk-size=2"])).trim().split("\n");
    expect(table.filter((l) => l.startsWith("chunk-")).length).toBe(7);
  });

  // Server logic that does not depend on the persona: on one persona each.
  if (version === "1.16") {
    it.concurrent("kubectl annotate: add, overwrite and remove", async ({ expect }) => {
      const ns = await namespace("crud-annotate");
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "noted" }, data: {} }));
      expect(await k(["-n", ns, "annotate", "configmap", "noted", "lifeboat.io/owner=team-a", "note=first"])).toContain("configmap/noted annotated");
      let ann = (await getJson(["-n", ns, "get", "cm", "noted"])).metadata.annotations ?? {};
      expect(ann["lifeboat.io/owner"]).toBe("team-a");
      expect(ann.note).toBe("first");

      const refused = await kr(["-n", ns, "annotate", "configmap", "noted", "note=second"]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain("--overwrite is false");

      await k(["-n", ns, "annotate", "configmap", "noted", "note=second", "--overwrite"]);
      ann = (await getJson(["-n", ns, "annotate", "configmap", "noted", "lifeboat.io/owner-"])).metadata.annotations ?? {};
      expect(ann.note).toBe("second");
      expect(ann["lifeboat.io/owner"]).toBeUndefined();
    });

    it.concurrent("kubectl delete by name, by -l selector and --all", async ({ expect }) => {
      const ns = await namespace("crud-delete");
      const items = ["a", "b", "c", "d", "e"].map((n, i) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `del-${n}`, labels: { group: i < 2 ? "first" : "second" } }, data: {} }));
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
      const names = async () => (await getJson<List>(["-n", ns, "get", "cm", "-l", "group"])).items.map((i) => i.metadata.name).sort();
      expect(await names()).toEqual(["del-a", "del-b", "del-c", "del-d", "del-e"]);

      expect(await k(["-n", ns, "delete", "configmap", "del-c"])).toContain('configmap "del-c" deleted');
      expect(await names()).toEqual(["del-a", "del-b", "del-d", "del-e"]);

      const bySelector = await k(["-n", ns, "delete", "configmap", "-l", "group=first"]);
      expect(bySelector).toContain('configmap "del-a" deleted');
      expect(bySelector).toContain('configmap "del-b" deleted');
      expect(await names()).toEqual(["del-d", "del-e"]);

      await k(["-n", ns, "delete", "configmap", "--all"]);
      expect(await names()).toEqual([]);
      const gone = await kr(["-n", ns, "get", "configmap", "del-d"]);
      expect(gone.code).not.toBe(0);
      expect(gone.stderr).toContain('configmaps "del-d" not found');
    });

    it.concurrent("kubectl delete ns: Terminating, no new content, then gone with its contents", async ({ expect }) => {
      const ns = await namespace("crud-delns");
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [
        deployment("doomed"),
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "plain" }, data: {} },
        // A finalizer keeps this object, and so the namespace, around until it is removed.
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "held", finalizers: ["lifeboat.io/hold"] }, data: {} },
      ] }));
      expect(await k(["delete", "namespace", ns, "--wait=false"])).toContain(`namespace "${ns}" deleted`);

      // The namespace controller empties the namespace except for the held object.
      let held: Obj | undefined;
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(100)) {
        const list = await getJson<List>(["-n", ns, "get", "configmaps,deployments"]);
        if (list.items.length === 1) {
          held = list.items[0];
          break;
        }
      }
      expect(held?.metadata.name).toBe("held");
      expect(held?.metadata.deletionTimestamp).toBeTruthy();
      const terminating = await getJson(["get", "namespace", ns]);
      expect(terminating.status.phase).toBe("Terminating");
      expect(terminating.metadata.deletionTimestamp).toBeTruthy();

      const refused = await kr(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "late" }, data: {} }));
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(`because it is being terminated`);

      await k(["-n", ns, "patch", "configmap", "held", "--type", "merge", "-p", '{"metadata":{"finalizers":null}}']);
      await k(["wait", "--for=delete", `namespace/${ns}`, "--timeout=20s"]);
      const gone = await kr(["get", "namespace", ns]);
      expect(gone.code).not.toBe(0);
      expect(gone.stderr).toContain(`namespaces "${ns}" not found`);
      const all = await getJson<List>(["get", "configmaps,deployments", "--all-namespaces"]);
      expect(all.items.filter((i) => i.metadata.namespace === ns)).toEqual([]);
    });

    it.concurrent("label selectors (in, notin, !, !=) and field selectors", async ({ expect }) => {
      const ns = await namespace("crud-select");
      const tiers = { one: "web", two: "api", three: "db", four: undefined };
      const items = Object.entries(tiers).map(([name, tier]) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels: { set: "sel", ...(tier ? { tier } : {}) } }, data: {} }));
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
      const names = async (...args: string[]) => (await getJson<List>(["-n", ns, "get", "cm", ...args])).items.map((i) => i.metadata.name).sort();
      const [inSet, notIn, missing, notEqual, byName, byNameNot, both] = await Promise.all([
        names("-l", "tier in (web,api)"),
        names("-l", "set=sel,tier notin (web,api)"),
        names("-l", "set=sel,!tier"),
        names("-l", "set==sel,tier!=db"),
        names("--field-selector", "metadata.name=two"),
        names("-l", "set=sel", "--field-selector", "metadata.name!=two"),
        names("-l", "tier", "--field-selector", "metadata.namespace=" + ns + ",metadata.name!=one"),
      ]);
      expect(inSet).toEqual(["one", "two"]);
      expect(notIn).toEqual(["four", "three"]);
      expect(missing).toEqual(["four"]);
      expect(notEqual).toEqual(["four", "one", "two"]);
      expect(byName).toEqual(["two"]);
      expect(byNameNot).toEqual(["four", "one", "three"]);
      expect(both).toEqual(["three", "two"]);

      // Secrets have a `type` field selector; configmaps do not.
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [
        { apiVersion: "v1", kind: "Secret", metadata: { name: "opaque" }, type: "Opaque", stringData: { a: "b" } },
        { apiVersion: "v1", kind: "Secret", metadata: { name: "basic" }, type: "kubernetes.io/basic-auth", stringData: { username: "u", password: "p" } },
      ] }));
      const basic = await getJson<List>(["-n", ns, "get", "secrets", "--field-selector", "type=kubernetes.io/basic-auth"]);
      expect(basic.items.map((i) => i.metadata.name)).toEqual(["basic"]);
      // Resources without field label conversions answer with the metav1 default message,
      // those with conversions (secrets) with "field label not supported".
      const [cmField, secretField] = await Promise.all([
        kr(["-n", ns, "get", "configmaps", "--field-selector", "data.foo=bar"]),
        kr(["-n", ns, "get", "secrets", "--field-selector", "data.foo=bar"]),
      ]);
      expect(cmField.code).not.toBe(0);
      expect(cmField.stderr).toContain('Error from server (BadRequest)');
      expect(cmField.stderr).toContain('"data.foo" is not a known field selector: only "metadata.name", "metadata.namespace"');
      expect(secretField.code).not.toBe(0);
      expect(secretField.stderr).toContain("field label not supported: data.foo");
    });
  }

  if (version === "1.30") {
    it.concurrent("kubectl delete ns (waiting) removes the namespace and everything in it", async ({ expect }) => {
      const ns = await namespace("crud-delns-wait");
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [deployment("doomed"), { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { a: "b" } }] }));
      expect(await k(["delete", "namespace", ns, "--timeout=30s"])).toContain(`namespace "${ns}" deleted`);
      const gone = await kr(["get", "namespace", ns]);
      expect(gone.stderr).toContain(`namespaces "${ns}" not found`);
      const all = await getJson<List>(["get", "deployments,secrets", "--all-namespaces"]);
      expect(all.items.filter((i) => i.metadata.namespace === ns)).toEqual([]);
    });

    it.concurrent("get --all-namespaces and kubectl replace", async ({ expect }) => {
      const ns = await namespace("crud-replace");
      await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "replaced" }, data: { v: "1" } }));
      const all = await getJson<List>(["get", "configmaps", "-A"]);
      expect(all.items.some((i) => i.metadata.namespace === ns && i.metadata.name === "replaced")).toBe(true);
      const live = await getJson(["-n", ns, "get", "cm", "replaced"]);
      live.data = { v: "2" };
      expect(await k(["-n", ns, "replace", "-f", "-"], JSON.stringify(live))).toContain("configmap/replaced replaced");
      expect((await getJson(["-n", ns, "get", "cm", "replaced"])).data).toEqual({ v: "2" });
    });
  }
});
