// ServiceAccounts as the controller-manager keeps them, through the real kubectl on the oldest
// and the newest persona: a `default` ServiceAccount in every namespace, made again when
// deleted, and before 1.24 a token Secret for each ServiceAccount, listed in its `secrets`.
import { describe, it } from "vitest";
import { useClientNode } from "../support/client-node.js";
import { eventually } from "../support/eventually.js";
import { useKubectlCluster } from "../support/kubectl-session.js";

const matrix = [
  { version: "1.16", transport: "http" },
  { version: "1.30", transport: "https" },
] as const;

// Tests that make many kubectl calls one after another get more than the default minute on a busy machine.
const slowTest = 120_000;

interface ServiceAccount {
  metadata: { name: string; uid: string };
  secrets?: Array<{ name: string }>;
}
interface Secret {
  metadata: { name: string; annotations?: Record<string, string> };
  type: string;
  data?: Record<string, string>;
}

const decode = (b64: string) => Buffer.from(b64, "base64").toString();

describe.each(matrix)("ServiceAccounts against $version over $transport", ({ version, transport }) => {
  const { k, kr, getJson } = useKubectlCluster<ServiceAccount>(version, transport);
  const legacyTokens = version === "1.16";

  const tokenSecrets = async (ns: string) =>
    (await getJson<{ items: Secret[] }>(["-n", ns, "get", "secrets"])).items.filter((s) => s.type === "kubernetes.io/service-account-token");

  /** The default ServiceAccount once the token controller has listed its token (before 1.24). */
  const defaultAccount = (ns: string) =>
    eventually(`the default ServiceAccount of ${ns}`, async () => {
      const sa = await getJson(["-n", ns, "get", "serviceaccount", "default"]);
      return !legacyTokens || sa.secrets?.length ? sa : undefined;
    });

  it.concurrent("a new namespace has its default ServiceAccount right away", async ({ expect }) => {
    const ns = `sa-new-${version.replace(".", "-")}`;
    await k(["create", "namespace", ns]);
    expect(await k(["-n", ns, "get", "serviceaccount", "default", "-o", "name"])).toBe("serviceaccount/default\n");
  });

  it.concurrent("the namespaces a cluster starts with have theirs", async ({ expect }) => {
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      expect((await getJson(["-n", ns, "get", "serviceaccount", "default"])).metadata.name).toBe("default");
    }
  });

  it.concurrent(`${legacyTokens ? "a" : "no"} token Secret for each ServiceAccount`, async ({ expect }) => {
    const ns = `sa-token-${version.replace(".", "-")}`;
    await k(["create", "namespace", ns]);
    await k(["-n", ns, "create", "serviceaccount", "builder"]);
    const sa = await defaultAccount(ns);
    if (!legacyTokens) {
      expect(sa.secrets).toBeUndefined();
      expect((await getJson(["-n", ns, "get", "serviceaccount", "builder"])).secrets).toBeUndefined();
      expect(await tokenSecrets(ns)).toEqual([]);
      return;
    }
    expect(sa.secrets).toHaveLength(1);
    const secretName = sa.secrets![0]!.name;
    expect(secretName).toMatch(/^default-token-[a-z0-9]{5}$/);
    const secret = await getJson<Secret>(["-n", ns, "get", "secret", secretName]);
    expect(secret.type).toBe("kubernetes.io/service-account-token");
    expect(secret.metadata.annotations).toEqual({ "kubernetes.io/service-account.name": "default", "kubernetes.io/service-account.uid": sa.metadata.uid });
    expect(Object.keys(secret.data!).sort()).toEqual(["ca.crt", "namespace", "token"]);
    expect(decode(secret.data!.namespace!)).toBe(ns);
    expect(decode(secret.data!["ca.crt"]!)).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    const [header, payload, signature] = decode(secret.data!.token!).split(".");
    expect(JSON.parse(Buffer.from(header!, "base64url").toString())).toMatchObject({ alg: "RS256" });
    expect(JSON.parse(Buffer.from(payload!, "base64url").toString())).toEqual({
      iss: "kubernetes/serviceaccount",
      "kubernetes.io/serviceaccount/namespace": ns,
      "kubernetes.io/serviceaccount/secret.name": secretName,
      "kubernetes.io/serviceaccount/service-account.name": "default",
      "kubernetes.io/serviceaccount/service-account.uid": sa.metadata.uid,
      sub: `system:serviceaccount:${ns}:default`,
    });
    expect(signature!.length).toBeGreaterThan(0);

    const builder = await eventually("the builder's token", async () => {
      const b = await getJson(["-n", ns, "get", "serviceaccount", "builder"]);
      return b.secrets?.length ? b : undefined;
    });
    expect(builder.secrets![0]!.name).toMatch(/^builder-token-[a-z0-9]{5}$/);

    // Deleting a ServiceAccount deletes its tokens.
    await k(["-n", ns, "delete", "serviceaccount", "builder"]);
    await eventually("the builder's token to go", async () => ((await kr(["-n", ns, "get", "secret", builder.secrets![0]!.name])).code !== 0 ? true : undefined));
  }, slowTest);

  it.concurrent("a deleted default ServiceAccount comes back (with a new token before 1.24)", async ({ expect }) => {
    const ns = `sa-back-${version.replace(".", "-")}`;
    await k(["create", "namespace", ns]);
    const first = await defaultAccount(ns);
    await k(["-n", ns, "delete", "serviceaccount", "default"]);
    const second = await eventually("the default ServiceAccount again", async () => {
      const sa = await getJson(["-n", ns, "get", "serviceaccount", "default"]).catch(() => undefined);
      return sa && sa.metadata.uid !== first.metadata.uid && (!legacyTokens || sa.secrets?.length) ? sa : undefined;
    });
    const tokens = await eventually("one token left", async () => {
      const list = await tokenSecrets(ns);
      return list.length === (legacyTokens ? 1 : 0) ? list : undefined;
    });
    if (legacyTokens) {
      expect(tokens[0]!.metadata.name).toBe(second.secrets![0]!.name);
      expect(tokens[0]!.metadata.name).not.toBe(first.secrets![0]!.name);
      expect(tokens[0]!.metadata.annotations?.["kubernetes.io/service-account.uid"]).toBe(second.metadata.uid);
    }
  }, slowTest);

  it.concurrent("a token Secret made by hand is filled in, and one naming no ServiceAccount is deleted", async ({ expect }) => {
    const ns = `sa-manual-${version.replace(".", "-")}`;
    await k(["create", "namespace", ns]);
    const sa = await defaultAccount(ns);
    const tokenSecret = (name: string, account: string) => ({ apiVersion: "v1", kind: "Secret", metadata: { name, annotations: { "kubernetes.io/service-account.name": account } }, type: "kubernetes.io/service-account-token" });
    await k(["-n", ns, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [tokenSecret("by-hand", "default"), tokenSecret("orphan", "nobody")] }));
    const filled = await eventually("the token to be filled in", async () => {
      const s = await getJson<Secret>(["-n", ns, "get", "secret", "by-hand"]);
      return s.data?.token ? s : undefined;
    });
    expect(decode(filled.data!.namespace!)).toBe(ns);
    expect(filled.metadata.annotations?.["kubernetes.io/service-account.uid"]).toBe(sa.metadata.uid);
    await eventually("the orphan token to go", async () => ((await kr(["-n", ns, "get", "secret", "orphan"])).code !== 0 ? true : undefined));
  });
});

describe.each(matrix)("ServiceAccounts through client-node against $version over $transport", ({ version, transport }) => {
  const c = useClientNode({ k8sVersion: version, tls: transport === "https" }, "sa");

  it.concurrent("a namespace made through client-node gets its default ServiceAccount", async ({ expect }) => {
    const namespace = await c.namespace();
    const sa = await eventually("the default ServiceAccount", async () => {
      const list = await c.core.listNamespacedServiceAccount({ namespace });
      const found = list.items.find((s) => s.metadata?.name === "default");
      return found && (version !== "1.16" || found.secrets?.length) ? found : undefined;
    });
    if (version === "1.16") {
      const secret = await c.core.readNamespacedSecret({ name: sa.secrets![0]!.name!, namespace });
      expect(secret.type).toBe("kubernetes.io/service-account-token");
    } else {
      expect(sa.secrets).toBeUndefined();
    }
  });
});
