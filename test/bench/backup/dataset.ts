// The cluster the backup benchmark backs up: namespaces full of the objects an application
// platform holds (ConfigMaps, Secrets, Services, Deployments, ServiceAccounts and the custom
// resources of one CRD), every one labelled so the lists can be checked exactly.
import { benchKinds as listBenchKinds, type BenchKind } from "../emulator-list/objects.js";

export const benchLabel = "lifeboat.io/bench";
export const benchLabelValue = "backup";

export const namespaceName = (i: number): string => `shop-${String(i).padStart(4, "0")}`;

/** One kind the benchmark creates, and its share of the objects. */
export interface DatasetKind {
  kind: string;
  /** Share of the objects, out of the sum of all weights. */
  weight: number;
  /** Collection path in one namespace, for creates. */
  createPath(namespace: string): string;
  build(namespace: string, i: number, app: string): Record<string, unknown>;
}

/** A CRD with two served versions, as most operators' CRDs have: the backup reads both. */
export const crdGroup = "shop.lifeboat.io";
export const crdPlural = "promotions";
export const crd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${crdPlural}.${crdGroup}`, labels: { [benchLabel]: benchLabelValue } },
  spec: {
    group: crdGroup,
    scope: "Namespaced",
    names: { plural: crdPlural, singular: "promotion", kind: "Promotion", listKind: "PromotionList", shortNames: ["promo"] },
    versions: ["v1", "v1beta1"].map((name) => ({
      name,
      served: true,
      storage: name === "v1",
      schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
    })),
  },
};

/** Relabels an object built by the list benchmark's builders as this benchmark's. */
function relabel(kind: BenchKind): DatasetKind["build"] {
  return (ns, i, app) => {
    const object = kind.build(ns, i, app) as { metadata: { labels: Record<string, string> } };
    object.metadata.labels[benchLabel] = benchLabelValue;
    return object;
  };
}

function fromListBench(name: string, weight: number): DatasetKind {
  const kind = listBenchKinds.find((k) => k.kind === name);
  if (!kind) throw new Error(`the list benchmark has no ${name}`);
  return { kind: kind.kind, weight, createPath: kind.createPath, build: relabel(kind) };
}

const appLabels = (app: string, i: number): Record<string, string> => ({
  [benchLabel]: benchLabelValue,
  "app.kubernetes.io/name": app,
  "app.kubernetes.io/instance": `${app}-${i}`,
  "app.kubernetes.io/part-of": "storefront",
});

export const datasetKinds: DatasetKind[] = [
  fromListBench("ConfigMap", 25),
  fromListBench("Secret", 20),
  fromListBench("Service", 15),
  fromListBench("Deployment", 15),
  {
    kind: "ServiceAccount",
    weight: 10,
    createPath: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts`,
    build: (ns, i, app) => ({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: {
        name: `${app}-runner-${i}`,
        namespace: ns,
        labels: appLabels(app, i),
        annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::123456789012:role/${app}-${i}` },
      },
      // No imagePullSecrets: a reference to a Secret the dataset does not hold would make the
      // backup look each one up, which a real cluster (where it exists) does not cost.
      automountServiceAccountToken: false,
    }),
  },
  {
    kind: "Promotion",
    weight: 15,
    createPath: (ns) => `/apis/${crdGroup}/v1/namespaces/${ns}/${crdPlural}`,
    build: (ns, i, app) => ({
      apiVersion: `${crdGroup}/v1`,
      kind: "Promotion",
      metadata: { name: `${app}-promo-${i}`, namespace: ns, labels: appLabels(app, i) },
      spec: {
        title: `Spring sale ${i}`,
        discountPercent: 5 + (i % 40),
        products: Array.from({ length: 1 + (i % 5) }, (_, p) => `sku-${app}-${(i * 7 + p) % 1000}`),
        startsAt: "2026-03-01T00:00:00Z",
        endsAt: "2026-03-31T23:59:59Z",
        audience: { regions: ["eu-west", "us-east"], newCustomersOnly: i % 2 === 0 },
      },
    }),
  },
];

/**
 * How many objects of each kind: `total` split by weight, largest remainders first, so the
 * counts always add up to `total`.
 */
export function perKindCounts(total: number, kinds: readonly { weight: number }[] = datasetKinds): number[] {
  const sum = kinds.reduce((a, k) => a + k.weight, 0);
  const exact = kinds.map((k) => (total * k.weight) / sum);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (const { i } of order) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return counts;
}

const apps = ["cart", "catalog", "checkout", "payments", "search", "shipping", "users", "reviews"];

export interface PlannedObject {
  kind: DatasetKind;
  namespace: string;
  body: string;
}

/** The objects to create, spread round-robin over the namespaces; bodies built lazily. */
export function* planObjects(total: number, namespaces: number): Generator<PlannedObject> {
  const counts = perKindCounts(total);
  for (const [k, kind] of datasetKinds.entries()) {
    for (let j = 0; j < counts[k]!; j++) {
      const namespace = namespaceName(j % namespaces);
      const app = apps[(j + k) % apps.length]!;
      yield { kind, namespace, body: JSON.stringify(kind.build(namespace, Math.floor(j / namespaces), app)) };
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
