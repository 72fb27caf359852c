/** The label every object the benchmark creates carries, so lists can be checked exactly. */
export const benchLabel = "lifeboat.io/bench";
export const benchLabelValue = "emulator-list";

export type KindName = "ConfigMap" | "Secret" | "Deployment" | "Service";

export interface BenchKind {
  kind: KindName;
  /** Cluster-wide list path, as `kubectl get --raw` takes it. */
  listPath: string;
  /** Collection path in one namespace, for creates. */
  createPath(namespace: string): string;
  /** The i-th object of this kind (0-based) in its namespace. */
  build(namespace: string, i: number, app: string): Record<string, unknown>;
}

export const namespaceName = (i: number): string => `bench-${String(i).padStart(4, "0")}`;

const tiers = ["frontend", "backend", "cache", "worker"];

function labels(app: string, i: number, component: string): Record<string, string> {
  return {
    [benchLabel]: benchLabelValue,
    "app.kubernetes.io/name": app,
    "app.kubernetes.io/instance": `${app}-${i}`,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "storefront",
    "app.kubernetes.io/managed-by": "helm",
    tier: tiers[i % tiers.length]!,
  };
}

/** Deterministic filler text, so object sizes are stable run to run. */
function filler(seed: number, length: number): string {
  let out = "";
  let x = (seed * 2654435761) >>> 0;
  while (out.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += x.toString(36);
  }
  return out.slice(0, length);
}

const b64 = (text: string): string => Buffer.from(text).toString("base64");

export const benchKinds: BenchKind[] = [
  {
    kind: "ConfigMap",
    listPath: "/api/v1/configmaps",
    createPath: (ns) => `/api/v1/namespaces/${ns}/configmaps`,
    build: (ns, i, app) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${app}-settings-${i}`, namespace: ns, labels: labels(app, i, "config"), annotations: { "lifeboat.io/checksum": filler(i, 40) } },
      data: {
        LOG_LEVEL: i % 3 === 0 ? "debug" : "info",
        DATABASE_HOST: `postgres-${i % 7}.${ns}.svc.cluster.local`,
        FEATURE_FLAGS: "checkout-v2,recommendations,search-autocomplete",
        "application.properties": `server.port=8080\nspring.application.name=${app}\ncache.ttl=300\ncache.key=${filler(i + 1, 48)}\n`,
      },
    }),
  },
  {
    kind: "Secret",
    listPath: "/api/v1/secrets",
    createPath: (ns) => `/api/v1/namespaces/${ns}/secrets`,
    build: (ns, i, app) => ({
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: { name: `${app}-credentials-${i}`, namespace: ns, labels: labels(app, i, "credentials") },
      data: {
        username: b64(`${app}-svc-${i}`),
        password: b64(filler(i + 2, 32)),
        "api-token": b64(filler(i + 3, 64)),
      },
    }),
  },
  {
    kind: "Deployment",
    listPath: "/apis/apps/v1/deployments",
    createPath: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
    build: (ns, i, app) => {
      const selector = { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": `${app}-${i}` };
      return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: `${app}-${i}`, namespace: ns, labels: labels(app, i, "server") },
        spec: {
          replicas: 1 + (i % 3),
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...selector, tier: tiers[i % tiers.length]! } },
            spec: {
              containers: [
                {
                  name: app,
                  image: `registry.example.com/storefront/${app}:1.${i % 20}.${i % 7}`,
                  ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
                  env: [{ name: "LOG_LEVEL", value: "info" }],
                  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                },
              ],
            },
          },
        },
      };
    },
  },
  {
    kind: "Service",
    listPath: "/api/v1/services",
    createPath: (ns) => `/api/v1/namespaces/${ns}/services`,
    build: (ns, i, app) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: `${app}-${i}`, namespace: ns, labels: labels(app, i, "server") },
      spec: {
        type: "ClusterIP",
        selector: { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": `${app}-${i}` },
        ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }],
      },
    }),
  },
];

const apps = ["cart", "catalog", "checkout", "payments", "search", "shipping", "users", "reviews"];

export interface PlannedObject {
  kind: BenchKind;
  namespace: string;
  body: string;
}

/** How many objects of each kind: `total` split evenly, the remainder to the first kinds. */
export function perKindCounts(total: number): number[] {
  const base = Math.floor(total / benchKinds.length);
  return benchKinds.map((_, k) => base + (k < total % benchKinds.length ? 1 : 0));
}

/**
 * The objects to create, kind by kind, spread round-robin over the namespaces. Bodies are
 * built lazily so 100k of them never sit in memory at once.
 */
export function* planObjects(total: number, namespaces: number): Generator<PlannedObject> {
  const counts = perKindCounts(total);
  for (let k = 0; k < benchKinds.length; k++) {
    const kind = benchKinds[k]!;
    for (let j = 0; j < counts[k]!; j++) {
      const namespace = namespaceName(j % namespaces);
      const i = Math.floor(j / namespaces);
      const app = apps[(j + k) % apps.length]!;
      yield { kind, namespace, body: JSON.stringify(kind.build(namespace, i, app)) };
    }
  }
}

export function namespaceBody(i: number): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespaceName(i), labels: { [benchLabel]: benchLabelValue, team: `team-${i % 25}` } },
  });
}
