import { ClusterResourcePolicy, ExistingResourcePolicy } from "@lifeboat/proto";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildRestoreSpec, withRestoreSpecOptions, type RestoreSpecFlags } from "./restore-flags.js";

const backup = "b".repeat(32);

describe("buildRestoreSpec", () => {
  it("reads lists, mappings (repeated or comma-separated), policies and labels", async () => {
    const spec = await buildRestoreSpec(backup, {
      includeNamespaces: ["shop,web", "shop"],
      namespaceMapping: ["shop:shop-copy", "web:web-copy"],
      imageRegistryMapping: ["quay.io/coreos:registry.example:5000/mirror"],
      includeClusterResources: "false",
      existingResourcePolicy: "Update",
      preserveNodePorts: true,
      label: ["reason=drill", "team=shop"],
      dryRun: true,
    });
    expect(spec).toMatchObject({
      backupId: backup,
      includedNamespaces: ["shop", "web"],
      namespaceMapping: { shop: "shop-copy", web: "web-copy" },
      imageRegistryMapping: { "quay.io/coreos": "registry.example:5000/mirror" },
      includeClusterResources: ClusterResourcePolicy.EXCLUDE,
      existingResourcePolicy: ExistingResourcePolicy.UPDATE,
      preserveNodePorts: true,
      labels: { reason: "drill", team: "shop" },
      dryRun: true,
    });
  });

  it("takes --skip-volume-data, and restores volume data without it", async () => {
    const parse = (argv: string[]) => withRestoreSpecOptions(new Command("test").exitOverride()).parse(argv, { from: "user" }).opts<RestoreSpecFlags>();
    expect((await buildRestoreSpec(backup, parse(["--skip-volume-data"]))).skipVolumeData).toBe(true);
    expect((await buildRestoreSpec(backup, parse([]))).skipVolumeData).toBe(false);
  });

  it("refuses a bad pair or choice naming the flag", async () => {
    await expect(buildRestoreSpec(backup, { storageClassMapping: ["gp2"] })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("--storage-class-mapping") });
    await expect(buildRestoreSpec(backup, { namespaceMapping: ["a:b", "a:c"] })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("--namespace-mapping") });
    await expect(buildRestoreSpec(backup, { includeClusterResources: "maybe" })).rejects.toMatchObject({ field: "--include-cluster-resources" });
    await expect(buildRestoreSpec(backup, { resourceModifiers: "/nonexistent/modifiers.yaml" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "--resource-modifiers" });
    await expect(buildRestoreSpec(backup, { label: ["no-equals"] })).rejects.toMatchObject({ field: "--label" });
  });
});
