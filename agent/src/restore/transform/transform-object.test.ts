import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { InitContainerHookSchema, RestoreHookSchema, RestoreSpecSchema } from "@lifeboat/proto";
import { parseRestoreOptions } from "@lifeboat/shared/restore";
import type { ContentId } from "@lifeboat/shared/repo";
import { describe, expect, it } from "vitest";
import { BACKUP_LABEL, RESTORE_LABEL, type KubeObject, type PlannedItem } from "../types.js";
import { transformObject, type TransformOptions } from "./transform-object.js";

const content = "c0ffee" as unknown as ContentId;

function itemOf(group: string, resource: string, kind: string, namespace: string, name: string, targetNamespace = namespace): PlannedItem {
  return {
    source: { group, version: "v1", resource, namespace, name, content, kind },
    from: { group, resource, version: "v1", content },
    to: { group, version: "v1", resource, kind, namespaced: namespace !== "" },
    namespace: targetNamespace,
    name,
  };
}

function optionsOf(fields: Omit<MessageInitShape<typeof RestoreSpecSchema>, "$typeName">): TransformOptions {
  return { ...parseRestoreOptions(create(RestoreSpecSchema, { backupId: "b-1", ...fields })), restoreId: "r-1", backupId: "b-1" };
}

const options = optionsOf({
  namespaceMapping: { shop: "shop-dr" },
  storageClassMapping: { gp2: "gp3" },
  imageRegistryMapping: { "quay.io/coreos": "registry.example/mirror" },
  replicas: { "deployments.apps/shop/web": 0 },
  pvSourceMapping: { awsElasticBlockStore: "ebs.csi.aws.com" },
  hooks: [create(RestoreHookSchema, { name: "data", includedNamespaces: ["shop-dr"], labelSelector: "app=db", initContainers: [create(InitContainerHookSchema, { name: "restore-data", image: "busybox:1.36" })] })],
  resourceModifiers: `version: v1
resourceModifierRules:
- conditions: {groupResource: deployments.apps, namespaces: [shop]}
  patches:
  - {operation: add, path: /metadata/annotations, value: '{"migrated":"yes"}'}
- conditions: {groupResource: pods}
  patches:
  - {operation: replace, path: /metadata/labels, value: '{"app":"db","tier":"data"}'}
`,
});

const deployment = (): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", labels: { app: "web" } },
  spec: { replicas: 3, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "etcd", image: "quay.io/coreos/etcd:v3" }] } } },
});

describe("transformObject", () => {
  it("applies every rule to a Deployment and returns a new object", () => {
    const input = deployment();
    const result = transformObject(input, itemOf("apps", "deployments", "Deployment", "shop", "web", "shop-dr"), options);
    expect(result).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "shop-dr", labels: { app: "web", [RESTORE_LABEL]: "r-1", [BACKUP_LABEL]: "b-1" }, annotations: { migrated: "yes" } },
      spec: { replicas: 0, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "etcd", image: "registry.example/mirror/etcd:v3" }] } } },
    });
    expect(input).toEqual(deployment());
  });

  it("adds init-container hooks to a matching Pod in its target namespace, and restore labels after the modifiers", () => {
    const pod: KubeObject = { apiVersion: "v1", kind: "Pod", metadata: { name: "db-0", namespace: "shop", labels: { app: "db" } }, spec: { containers: [{ name: "db", image: "mysql:8" }] } };
    const result = transformObject(pod, itemOf("", "pods", "Pod", "shop", "db-0", "shop-dr"), options);
    expect((result.spec as any).initContainers).toEqual([{ name: "restore-data", image: "busybox:1.36" }]);
    expect(result.metadata.labels).toEqual({ app: "db", tier: "data", [RESTORE_LABEL]: "r-1", [BACKUP_LABEL]: "b-1" });
  });

  it("does not add init-container hooks to a controller's pod template", () => {
    const statefulSet: KubeObject = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "db" } }, spec: { containers: [] } } } };
    const result = transformObject(statefulSet, itemOf("apps", "statefulsets", "StatefulSet", "shop", "db", "shop-dr"), options);
    expect((result.spec as any).template.spec).toEqual({ containers: [] });
  });

  it("translates a PV's source, class and claimRef together", () => {
    const pv: KubeObject = { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv-1" }, spec: { storageClassName: "gp2", claimRef: { name: "data", namespace: "shop" }, awsElasticBlockStore: { volumeID: "vol-1", fsType: "ext4" } } };
    const result = transformObject(pv, itemOf("", "persistentvolumes", "PersistentVolume", "", "pv-1"), options);
    expect(result.spec).toEqual({ storageClassName: "gp3", claimRef: { name: "data", namespace: "shop-dr" }, csi: { driver: "ebs.csi.aws.com", volumeHandle: "vol-1", fsType: "ext4" } });
  });

  it("only labels an object when the restore changes nothing else", () => {
    const configMap: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "web" }, data: { a: "b" } };
    const result = transformObject(configMap, itemOf("", "configmaps", "ConfigMap", "web", "c"), optionsOf({}));
    expect(result).toEqual({ ...configMap, metadata: { ...configMap.metadata, labels: { [RESTORE_LABEL]: "r-1", [BACKUP_LABEL]: "b-1" } } });
    expect(result).not.toBe(configMap);
    expect(configMap.metadata.labels).toBeUndefined();
  });

  it("throws INVALID_ARGUMENT naming the rule when a modifier cannot apply", () => {
    const failing = optionsOf({ resourceModifiers: "version: v1\nresourceModifierRules:\n- conditions: {groupResource: configmaps}\n  patches: [{operation: replace, path: /data/missing, value: x}]" });
    const configMap: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "web" }, data: {} };
    expect(() => transformObject(configMap, itemOf("", "configmaps", "ConfigMap", "web", "c"), failing)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field: "resource_modifiers: resourceModifierRules[0]" }));
  });
});
