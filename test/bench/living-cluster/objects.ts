// The sandbox the living-cluster benchmark brings up: namespaces, Deployments (some mounting
// a PVC) and PVCs, spread evenly, as POST bodies.

export interface SandboxShape {
  namespaces: number;
  deployments: number;
  replicas: number;
  pvcs: number;
}

export interface PlannedObject {
  path: string;
  body: string;
  what: string;
}

export const benchLabel = "lifeboat.dev/bench";

export const namespaceName = (i: number): string => `bench-${String(i).padStart(4, "0")}`;

export function namespaceBody(i: number): string {
  return JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespaceName(i), labels: { [benchLabel]: "living-cluster" } } });
}

function pvcBody(name: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, labels: { [benchLabel]: "living-cluster" } },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  });
}

function deploymentBody(name: string, replicas: number, claim: string | undefined): string {
  const labels = { app: name, [benchLabel]: "living-cluster" };
  return JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: "app",
              image: "registry.example/app:1.0",
              ports: [{ containerPort: 8080 }],
              ...(claim ? { volumeMounts: [{ name: "data", mountPath: "/data" }] } : {}),
            },
          ],
          ...(claim ? { volumes: [{ name: "data", persistentVolumeClaim: { claimName: claim } }] } : {}),
        },
      },
    },
  });
}

/**
 * PVCs first, then Deployments, round-robin over the namespaces; the first PVC-count
 * Deployments each mount one of the PVCs, so binding gates their pods.
 */
export function* planSandbox(shape: SandboxShape): Generator<PlannedObject> {
  for (let i = 0; i < shape.pvcs; i++) {
    const ns = namespaceName(i % shape.namespaces);
    yield { path: `/api/v1/namespaces/${ns}/persistentvolumeclaims`, body: pvcBody(`data-${i}`), what: "PersistentVolumeClaim" };
  }
  for (let i = 0; i < shape.deployments; i++) {
    const ns = namespaceName(i % shape.namespaces);
    const claim = i < shape.pvcs ? `data-${i}` : undefined;
    yield { path: `/apis/apps/v1/namespaces/${ns}/deployments`, body: deploymentBody(`app-${i}`, shape.replicas, claim), what: "Deployment" };
  }
}
