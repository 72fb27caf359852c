import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { InitContainerHookSchema, RestoreHookSchema, RestoreSpecSchema, type RestoreSpec } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { parseRestoreOptions } from "./restore-options.js";

function spec(fields: Omit<MessageInitShape<typeof RestoreSpecSchema>, "$typeName">): RestoreSpec {
  return create(RestoreSpecSchema, { backupId: "b-1", ...fields });
}

function errorOf(fn: () => unknown): { code: string; field?: string; value?: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; field?: string; value?: string; message: string };
  }
  throw new Error("expected an error");
}

describe("parseRestoreOptions", () => {
  it("reads a spec with every transform", () => {
    const options = parseRestoreOptions(
      spec({
        namespaceMapping: { shop: "shop-dr", db: "db-dr" },
        storageClassMapping: { gp2: "gp3", "standard.csi": "premium" },
        imageRegistryMapping: { "quay.io": "mirror.example/quay", "quay.io/coreos": "registry.example:5000/mirror" },
        replicas: { "shop/web": 0, "deployments.apps/shop/api": 3, "replicationcontrollers/db/old": 1 },
        pvSourceMapping: { awsElasticBlockStore: "ebs.csi.aws.com", nfs: "nfs.csi.k8s.io" },
        resourceModifiers: "version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n  patches: [{operation: remove, path: /spec/nodeName}]\n",
        hooks: [create(RestoreHookSchema, { name: "data", initContainers: [create(InitContainerHookSchema, { name: "restore-data", image: "busybox:1.36" })] })],
      }),
    );
    expect(options.namespaceMapping).toEqual(new Map([["shop", "shop-dr"], ["db", "db-dr"]]));
    expect(options.storageClassMapping.get("standard.csi")).toBe("premium");
    expect(options.imageRegistryMapping.map((m) => m.from)).toEqual(["quay.io/coreos", "quay.io"]);
    expect(options.replicas.get("deployments.apps/shop/api")).toBe(3);
    expect(options.replicas.get("shop/web")).toBe(0);
    expect(options.pvSourceMapping.get("nfs")).toBe("nfs.csi.k8s.io");
    expect(options.modifiers).toHaveLength(1);
    expect(options.hooks).toHaveLength(1);
  });

  it("reads an empty spec as no transforms", () => {
    const options = parseRestoreOptions(spec({}));
    expect([options.namespaceMapping.size, options.storageClassMapping.size, options.replicas.size, options.pvSourceMapping.size]).toEqual([0, 0, 0, 0]);
    expect([options.imageRegistryMapping, options.modifiers, options.hooks]).toEqual([[], [], []]);
  });

  it.each([
    ["a namespace source that is not a DNS-1123 label", { namespaceMapping: { Shop: "shop" } }, 'spec.namespace_mapping["Shop"]', "Shop"],
    ["a namespace target that is not a DNS-1123 label", { namespaceMapping: { shop: "shop_dr" } }, 'spec.namespace_mapping["shop"]', "shop_dr"],
    ["a namespace target longer than 63 characters", { namespaceMapping: { shop: "a".repeat(64) } }, 'spec.namespace_mapping["shop"]', "a".repeat(64)],
    ["a namespace target with a dot", { namespaceMapping: { shop: "shop.dr" } }, 'spec.namespace_mapping["shop"]', "shop.dr"],
    ["two namespaces onto one target", { namespaceMapping: { a: "x", b: "x" } }, 'spec.namespace_mapping["b"]', "x"],
    ["a storage class that is not a DNS-1123 subdomain", { storageClassMapping: { gp2: "GP3" } }, 'spec.storage_class_mapping["gp2"]', "GP3"],
    ["an empty storage class target", { storageClassMapping: { gp2: "" } }, 'spec.storage_class_mapping["gp2"]', ""],
    ["a registry prefix with a scheme", { imageRegistryMapping: { "https://quay.io": "mirror.example" } }, 'spec.image_registry_mapping["https://quay.io"]', "https://quay.io"],
    ["a registry prefix with a tag", { imageRegistryMapping: { "quay.io/coreos/etcd:v3": "mirror.example" } }, 'spec.image_registry_mapping["quay.io/coreos/etcd:v3"]', "quay.io/coreos/etcd:v3"],
    ["a registry target with a digest", { imageRegistryMapping: { "quay.io": "mirror.example/x@sha256:abc" } }, 'spec.image_registry_mapping["quay.io"]', "mirror.example/x@sha256:abc"],
    ["a registry target ending in '/'", { imageRegistryMapping: { "quay.io": "mirror.example/" } }, 'spec.image_registry_mapping["quay.io"]', "mirror.example/"],
    ["a registry prefix with upper-case repository", { imageRegistryMapping: { "quay.io/CoreOS": "mirror.example" } }, 'spec.image_registry_mapping["quay.io/CoreOS"]', "quay.io/CoreOS"],
    ["an empty registry target", { imageRegistryMapping: { "quay.io": "" } }, 'spec.image_registry_mapping["quay.io"]', ""],
    ["a replicas key with one part", { replicas: { web: 1 } }, 'spec.replicas["web"]', "web"],
    ["a replicas key with four parts", { replicas: { "apps/deployments/shop/web": 1 } }, 'spec.replicas["apps/deployments/shop/web"]', "apps/deployments/shop/web"],
    ["a replicas key with a bad namespace", { replicas: { "Shop/web": 1 } }, 'spec.replicas["Shop/web"]', "Shop/web"],
    ["a replicas key with a bad resource", { replicas: { "Deployments/shop/web": 1 } }, 'spec.replicas["Deployments/shop/web"]', "Deployments/shop/web"],
    ["a replicas count above int32", { replicas: { "shop/web": 2 ** 31 } }, 'spec.replicas["shop/web"]', String(2 ** 31)],
    ["a PV source that cannot be translated", { pvSourceMapping: { hostPath: "hostpath.csi.k8s.io" } }, 'spec.pv_source_mapping["hostPath"]', "hostPath"],
    ["a PV source that is not a field", { pvSourceMapping: { ebs: "ebs.csi.aws.com" } }, 'spec.pv_source_mapping["ebs"]', "ebs"],
    ["a CSI driver that is not a driver name", { pvSourceMapping: { cinder: "Cinder CSI" } }, 'spec.pv_source_mapping["cinder"]', "Cinder CSI"],
    ["a CSI driver longer than 63 characters", { pvSourceMapping: { cinder: `${"a".repeat(60)}.csi` } }, 'spec.pv_source_mapping["cinder"]', `${"a".repeat(60)}.csi`],
    ["a resource modifier document that is invalid", { resourceModifiers: "version: v2\nresourceModifierRules: []" }, "resource_modifiers: version", "v2"],
    ["a label selector that does not parse", { labelSelector: "app in web" }, "spec.label_selector", "app in web"],
    ["a hook label selector that does not parse", { hooks: [{ labelSelector: "tier=" + "x".repeat(70) }] }, "spec.hooks[0].label_selector", "tier=" + "x".repeat(70)],
  ])("rejects %s", (_, fields, field, value) => {
    const error = errorOf(() => parseRestoreOptions(spec(fields as never)));
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT", field, value });
    expect(error.message).toContain(field);
  });

  it.each([
    ["an init container name that is not a DNS-1123 label", { name: "Restore_Data", image: "busybox" }, "spec.hooks[0].init_containers[0].name", "Restore_Data"],
    ["an init container without an image", { name: "restore", image: "" }, "spec.hooks[0].init_containers[0].image", ""],
    ["an init container image with a space", { name: "restore", image: "busy box" }, "spec.hooks[0].init_containers[0].image", "busy box"],
  ])("rejects %s", (_, container, field, value) => {
    const hooks = [create(RestoreHookSchema, { name: "h", initContainers: [create(InitContainerHookSchema, container)] })];
    expect(errorOf(() => parseRestoreOptions(spec({ hooks })))).toMatchObject({ code: "INVALID_ARGUMENT", field, value });
  });

  it("rejects two init containers of one hook with the same name", () => {
    const containers = [create(InitContainerHookSchema, { name: "r", image: "a" }), create(InitContainerHookSchema, { name: "r", image: "b" })];
    const hooks = [create(RestoreHookSchema, { name: "h", initContainers: containers })];
    expect(errorOf(() => parseRestoreOptions(spec({ hooks })))).toMatchObject({ code: "INVALID_ARGUMENT", field: "spec.hooks[0].init_containers[1].name" });
  });

  it.each([["docker.io"], ["localhost:5000/team"], ["registry.example:5000/mirror"], ["quay.io/coreos"], ["ghcr.io/org/sub_team/x-y"], ["library"]])("accepts the registry prefix %s", (prefix) => {
    expect(parseRestoreOptions(spec({ imageRegistryMapping: { [prefix]: "mirror.example/x" } })).imageRegistryMapping).toEqual([{ from: prefix, to: "mirror.example/x" }]);
  });
});
