// API errors as kubectl shows them: NotFound, AlreadyExists, Invalid, Conflict, Forbidden
// for terminating namespaces, 413, and the client-side errors for bad input.
import { describe, it } from "vitest";
import { useKubectlCluster } from "../support/kubectl-session.js";

// Each persona over one transport. The errors every kubectl user meets run on both; the
// rest is server logic that does not depend on the persona and runs on one of them.
const matrix = [
  { version: "1.16", transport: "https" },
  { version: "1.30", transport: "http" },
] as const;

describe.each(matrix)("kubectl errors against $version over $transport", ({ version, transport }) => {
  const { k, kr, namespace } = useKubectlCluster(version, transport);
  const configMap = (name: string, ns?: string) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(ns ? { namespace: ns } : {}) }, data: { a: "b" } });

  it.concurrent("get and delete of a missing object: NotFound", async ({ expect }) => {
    const ns = await namespace("err-notfound");
    const [cm, deploy, del, ignored] = await Promise.all([
      kr(["-n", ns, "get", "configmap", "nope"]),
      kr(["-n", ns, "get", "deployment", "nope", "-o", "json"]),
      kr(["-n", ns, "delete", "secret", "nope"]),
      kr(["-n", ns, "delete", "secret", "nope", "--ignore-not-found"]),
    ]);
    expect(cm.code).toBe(1);
    expect(cm.stdout).toBe("");
    expect(cm.stderr.trim()).toBe('Error from server (NotFound): configmaps "nope" not found');
    expect(deploy.code).toBe(1);
    expect(deploy.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');
    expect(del.code).toBe(1);
    expect(del.stderr.trim()).toBe('Error from server (NotFound): secrets "nope" not found');
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toBe("");
  });

  it.concurrent("create twice: AlreadyExists", async ({ expect }) => {
    const ns = await namespace("err-exists");
    await k(["-n", ns, "create", "-f", "-"], configMap("twice"));
    const again = await kr(["-n", ns, "create", "-f", "-"], configMap("twice"));
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('Error from server (AlreadyExists): error when creating "STDIN": configmaps "twice" already exists');
    const nsAgain = await kr(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }));
    expect(nsAgain.code).toBe(0);
    const nsCreate = await kr(["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }));
    expect(nsCreate.stderr).toContain(`namespaces "${ns}" already exists`);
  });

  it.concurrent("apply with a bad name: Invalid, naming metadata.name", async ({ expect }) => {
    const ns = await namespace("err-invalid");
    const bad = await kr(["-n", ns, "apply", "-f", "-"], configMap("Bad_Name"));
    expect(bad.code).toBe(1);
    // kubectl renders Invalid errors from the Status details: kind, name, then the causes.
    expect(bad.stderr).toContain('The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters');
    const badNs = await kr(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "Bad.Namespace" } }));
    expect(badNs.code).toBe(1);
    expect(badNs.stderr).toContain('The Namespace "Bad.Namespace" is invalid: metadata.name: Invalid value: "Bad.Namespace": a lowercase RFC 1123 label must consist of');
    const list = await kr(["-n", ns, "get", "configmaps", "-o", "name"]);
    expect(list.stdout).not.toContain("Bad_Name");
  });

  it.concurrent("malformed YAML, unknown kinds and unknown resource types", async ({ expect }) => {
    const [yaml, kind, kindInGroup, resource, noKind] = await Promise.all([
      kr(["apply", "-f", "-"], "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n  data: {\n"),
      kr(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Frobnicator", metadata: { name: "x" } })),
      kr(["apply", "-f", "-"], JSON.stringify({ apiVersion: "frob.lifeboat.test/v1", kind: "Frobnicator", metadata: { name: "x" } })),
      kr(["get", "frobnicators"]),
      kr(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", metadata: { name: "x" } })),
    ]);
    expect(yaml.code).not.toBe(0);
    expect(yaml.stderr).toMatch(/error converting YAML to JSON|error parsing/);
    expect(kind.code).not.toBe(0);
    expect(kind.stderr).toContain('no matches for kind "Frobnicator" in version "v1"');
    expect(kindInGroup.code).not.toBe(0);
    expect(kindInGroup.stderr).toContain('no matches for kind "Frobnicator" in version "frob.lifeboat.test/v1"');
    expect(resource.code).not.toBe(0);
    expect(resource.stderr.trim()).toBe('error: the server doesn\'t have a resource type "frobnicators"');
    expect(noKind.code).not.toBe(0);
    expect(noKind.stderr).toContain("kind not set");
  });

  // Persona-independent server logic: half on each persona.
  if (version === "1.16") {
    it.concurrent("invalid specs name the offending fields", async ({ expect }) => {
      const ns = await namespace("err-spec");
      const deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "mismatch", namespace: ns },
        spec: { selector: { matchLabels: { app: "a" } }, template: { metadata: { labels: { app: "b" } }, spec: { containers: [{ name: "c" }] } } },
      };
      const service = { apiVersion: "v1", kind: "Service", metadata: { name: "bad-port", namespace: ns }, spec: { ports: [{ port: 70000 }] } };
      const [d, s] = await Promise.all([kr(["apply", "-f", "-"], JSON.stringify(deployment)), kr(["apply", "-f", "-"], JSON.stringify(service))]);
      expect(d.code).toBe(1);
      expect(d.stderr).toContain('The Deployment "mismatch" is invalid:');
      expect(d.stderr).toContain("spec.template.metadata.labels: Invalid value:");
      expect(d.stderr).toContain("`selector` does not match template `labels`");
      expect(d.stderr).toContain("spec.template.spec.containers[0].image: Required value");
      expect(s.code).toBe(1);
      expect(s.stderr).toContain('Service "bad-port" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive');
    });

    it.concurrent("replace with a stale resourceVersion: Conflict", async ({ expect }) => {
      const ns = await namespace("err-conflict");
      await k(["-n", ns, "apply", "-f", "-"], configMap("contested"));
      const stale = JSON.parse(await k(["-n", ns, "get", "configmap", "contested", "-o", "json"]));
      await k(["-n", ns, "label", "configmap", "contested", "moved=on"]);
      stale.data = { a: "mine" };
      const conflict = await kr(["-n", ns, "replace", "-f", "-"], JSON.stringify(stale));
      expect(conflict.code).toBe(1);
      expect(conflict.stderr.trim()).toBe(
        'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "contested": the object has been modified; please apply your changes to the latest version and try again',
      );
    });

    it.concurrent("create in a missing namespace: NotFound for the namespace", async ({ expect }) => {
      const missing = await kr(["-n", "no-such-namespace", "apply", "-f", "-"], configMap("lost"));
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('namespaces "no-such-namespace" not found');
    });
  }

  if (version === "1.30") {
    it.concurrent("changing a Deployment's selector: field is immutable", async ({ expect }) => {
      const ns = await namespace("err-immutable");
      const deployment = (app: string) => ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: ns },
        spec: { selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
      });
      await k(["apply", "-f", "-"], JSON.stringify(deployment("one")));
      const changed = await kr(["apply", "-f", "-"], JSON.stringify(deployment("two")));
      expect(changed.code).toBe(1);
      expect(changed.stderr).toContain('The Deployment "web" is invalid: spec.selector: Invalid value:');
      expect(changed.stderr).toContain("field is immutable");
      const live = JSON.parse(await k(["-n", ns, "get", "deployment", "web", "-o", "json"]));
      expect(live.spec.selector).toEqual({ matchLabels: { app: "one" } });
    });

    it.concurrent("a body over 3 MiB: RequestEntityTooLarge", async ({ expect }) => {
      const ns = await namespace("err-large");
      const big = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "big", namespace: ns }, data: { blob: "x".repeat(3.5 * 1024 * 1024) } });
      const result = await kr(["create", "-f", "-"], big);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Request entity too large: limit is 3145728");
    });

    it.concurrent("a JSON patch that does not apply is rejected and changes nothing", async ({ expect }) => {
      const ns = await namespace("err-patch");
      await k(["-n", ns, "apply", "-f", "-"], configMap("patchy"));
      const [badPath, badJson] = await Promise.all([
        kr(["-n", ns, "patch", "configmap", "patchy", "--type=json", "-p", '[{"op":"replace","path":"/data/missing","value":"x"}]']),
        kr(["-n", ns, "patch", "configmap", "patchy", "--type=merge", "-p", "{not json"]),
      ]);
      expect(badPath.code).toBe(1);
      expect(badPath.stderr).toMatch(/^The request is invalid: .*\/data\/missing/);
      expect(badJson.code).not.toBe(0);
      const live = JSON.parse(await k(["-n", ns, "get", "configmap", "patchy", "-o", "json"]));
      expect(live.data).toEqual({ a: "b" });
    });
  }
});
