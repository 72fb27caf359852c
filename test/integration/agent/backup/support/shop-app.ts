// A small, realistic application in one namespace, as the backup suites create it on an emulator:
// a Deployment with its ServiceAccount, ConfigMap, Secret and PVC (bound to a PV of a
// StorageClass), a Service, RBAC, a custom resource, an Ingress, an Event and a running pod for hooks.
import { ApiextensionsV1Api, AppsV1Api, CoreV1Api, CustomObjectsApi, KubernetesObjectApi, RbacAuthorizationV1Api, StorageV1Api, type KubeConfig } from "@kubernetes/client-node";
import { eventually } from "../../../kube-emulator/support/eventually.js";

export const WIDGET_GROUP = "shop.example.com";
export const WIDGET_CRD = `widgets.${WIDGET_GROUP}`;

export interface ShopApp {
  namespace: string;
  /** Cluster-scoped objects made for this namespace. */
  storageClass: string;
  persistentVolume: string;
  clusterRole: string;
  /** "resource.group/namespace/name" of everything created in the namespace, with its Namespace. */
  namespacedItems: string[];
}

/**
 * Creates the widgets CRD (namespaced, served as v1 and v1beta1) once per cluster and waits
 * until its resources are served.
 */
export async function createWidgetCrd(kc: KubeConfig): Promise<void> {
  await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({
    body: {
      metadata: { name: WIDGET_CRD },
      spec: {
        group: WIDGET_GROUP,
        scope: "Namespaced",
        names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
        versions: [
          { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", x_kubernetes_preserve_unknown_fields: true } } },
          { name: "v1beta1", served: true, storage: false, schema: { openAPIV3Schema: { type: "object", x_kubernetes_preserve_unknown_fields: true } } },
        ],
      },
    },
  });
  const custom = kc.makeApiClient(CustomObjectsApi);
  await eventually(
    "the widgets CRD to be served",
    async () => ((await custom.getAPIResources({ group: WIDGET_GROUP, version: "v1" }).catch(() => undefined))?.resources.some((r) => r.name === "widgets") ? true : undefined),
    30_000,
  );
}

/** Creates the shop app in a new namespace `namespace` on a cluster serving `k8sVersion`. */
export async function createShopApp(kc: KubeConfig, namespace: string, k8sVersion: string): Promise<ShopApp> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const storage = kc.makeApiClient(StorageV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const storageClass = `fast-${namespace}`;
  const persistentVolume = `pv-${namespace}`;
  const clusterRole = `widget-reader-${namespace}`;
  const labels = { app: "shop" };

  await core.createNamespace({ body: { metadata: { name: namespace, labels: { team: "shop" } } } });
  await storage.createStorageClass({ body: { metadata: { name: storageClass }, provisioner: "ebs.csi.aws.com", reclaimPolicy: "Retain" } });
  await core.createPersistentVolume({
    body: {
      metadata: { name: persistentVolume },
      spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], storageClassName: storageClass, hostPath: { path: `/data/${namespace}` }, claimRef: { namespace, name: "data" } },
    },
  });
  await core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: { metadata: { name: "data", labels }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: storageClass, volumeName: persistentVolume, resources: { requests: { storage: "1Gi" } } } },
  });
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: "web", labels } } });
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "web-config", labels: { ...labels, tier: "web" } }, data: { "app.properties": "color=blue\n" } } });
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "cache-config", labels: { app: "cache", tier: "cache" } }, data: { size: "64Mi" } } });
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "loose-notes" }, data: { note: "not labelled" } } });
  await core.createNamespacedSecret({ namespace, body: { metadata: { name: "db-password" }, type: "Opaque", stringData: { password: "s3cr3t-hunter2" } } });
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: "web", labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: "web",
            containers: [
              {
                name: "web",
                image: "nginx:1.25",
                envFrom: [{ configMapRef: { name: "web-config" } }],
                env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db-password", key: "password" } } }],
                volumeMounts: [{ name: "data", mountPath: "/data" }],
              },
            ],
            volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }],
          },
        },
      },
    },
  });
  await core.createNamespacedService({ namespace, body: { metadata: { name: "web", labels }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 as never }] } } });
  await rbac.createClusterRole({ body: { metadata: { name: clusterRole }, rules: [{ apiGroups: [WIDGET_GROUP], resources: ["widgets"], verbs: ["get", "list"] }] } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: { metadata: { name: "web-reads-widgets", labels }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole }, subjects: [{ kind: "ServiceAccount", name: "web", namespace }] },
  });
  await custom.createNamespacedCustomObject({ group: WIDGET_GROUP, version: "v1", namespace, plural: "widgets", body: { apiVersion: `${WIDGET_GROUP}/v1`, kind: "Widget", metadata: { name: "blue", labels }, spec: { size: 3 } } });
  const old = k8sVersion === "1.16";
  await objects.create({
    apiVersion: old ? "extensions/v1beta1" : "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: "web", namespace, labels },
    spec: old
      ? { rules: [{ host: "shop.example.com", http: { paths: [{ path: "/", backend: { serviceName: "web", servicePort: 80 } }] } }] }
      : { rules: [{ host: "shop.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }] },
  } as never);

  // Recorded through core v1; the API server serves it under events.k8s.io too.
  await core.createNamespacedEvent({
    namespace,
    body: {
      metadata: { name: "web.scaled" },
      involvedObject: { apiVersion: "apps/v1", kind: "Deployment", namespace, name: "web" },
      reason: "ScalingReplicaSet",
      message: "Scaled up replica set web-1 to 1",
      type: "Normal",
      count: 1,
      source: { component: "deployment-controller" },
    },
  });

  return {
    namespace,
    storageClass,
    persistentVolume,
    clusterRole,
    namespacedItems: [
      `namespaces//${namespace}`,
      `persistentvolumeclaims/${namespace}/data`,
      `serviceaccounts/${namespace}/web`,
      `configmaps/${namespace}/web-config`,
      `configmaps/${namespace}/cache-config`,
      `configmaps/${namespace}/loose-notes`,
      `secrets/${namespace}/db-password`,
      `deployments.apps/${namespace}/web`,
      `services/${namespace}/web`,
      `rolebindings.rbac.authorization.k8s.io/${namespace}/web-reads-widgets`,
      `widgets.${WIDGET_GROUP}/${namespace}/blue`,
      // One item each, though 1.16 serves the Ingress under extensions too and every version
      // serves the Event under events.k8s.io: the same object (UID) in two groups.
      `ingresses.networking.k8s.io/${namespace}/web`,
      `events/${namespace}/web.scaled`,
    ],
  };
}

/** The cluster-scoped items the app's namespaced items depend on. */
export function clusterDependencies(app: ShopApp): string[] {
  return [
    `persistentvolumes//${app.persistentVolume}`,
    `storageclasses.storage.k8s.io//${app.storageClass}`,
    `clusterroles.rbac.authorization.k8s.io//${app.clusterRole}`,
    `customresourcedefinitions.apiextensions.k8s.io//${WIDGET_CRD}`,
  ];
}

/** A pod placed on node-1 and reported Running, as a kubelet would, so hooks can exec into it. */
export async function startRunningPod(kc: KubeConfig, namespace: string, name: string, labels: Record<string, string>, containers = ["app"]): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespacedPod({ namespace, body: { metadata: { name, labels }, spec: { nodeName: "node-1", containers: containers.map((c) => ({ name: c, image: "busybox:1.36" })) } } });
  const pod = await core.readNamespacedPod({ namespace, name });
  const now = new Date();
  await core.replaceNamespacedPodStatus({
    namespace,
    name,
    body: {
      ...pod,
      status: {
        phase: "Running",
        containerStatuses: containers.map((c) => ({ name: c, image: "busybox:1.36", imageID: "", ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } })),
      },
    },
  });
}
