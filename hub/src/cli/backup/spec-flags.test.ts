import { create } from "@bufbuild/protobuf";
import { BackupHookSchema, BackupMode, ClusterResourcePolicy } from "@lifeboat/proto";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildPolicy, flagBesideFile, withPolicyOptions } from "./policy-flags.js";
import { buildBackupSpec, withBackupSpecOptions, type BackupSpecFlags } from "./spec-flags.js";

/** The flags as commander parses them from argv, so option names and repeats are tested too. */
function parseFlags<T>(add: (command: Command) => Command, argv: string[]): T {
  const command = add(new Command("test").exitOverride());
  command.parse(argv, { from: "user" });
  return command.opts() as T;
}

const specFlags = (argv: string[]) => parseFlags<BackupSpecFlags>(withBackupSpecOptions, argv);

describe("buildBackupSpec", () => {
  it("reads every flag into the spec", () => {
    const hook = create(BackupHookSchema, { name: "freeze" });
    const spec = buildBackupSpec(
      specFlags([
        "--repository", "main",
        "--include-namespaces", "shop,payments",
        "--include-namespaces", "kube-*",
        "--exclude-namespaces", "shop-tmp",
        "--include-resources", "deployments.apps,ConfigMap",
        "--exclude-resources", "*.example.com",
        "--include-cluster-resources", "false",
        "--label-selector", "app=web,tier!=cache",
        "--ttl", "720h",
        "--mode", "resources-only",
        "--labels", "reason=release-42,team=shop",
      ]),
      [hook],
    );
    expect(spec.repository).toBe("main");
    expect(spec.includedNamespaces).toEqual(["shop", "payments", "kube-*"]);
    expect(spec.excludedNamespaces).toEqual(["shop-tmp"]);
    expect(spec.includedResources).toEqual(["deployments.apps", "ConfigMap"]);
    expect(spec.excludedResources).toEqual(["*.example.com"]);
    expect(spec.includeClusterResources).toBe(ClusterResourcePolicy.EXCLUDE);
    expect(spec.labelSelector).toBe("app=web,tier!=cache");
    expect(spec.orLabelSelectors).toEqual([]);
    expect(spec.ttl?.seconds).toBe(2_592_000n);
    expect(spec.mode).toBe(BackupMode.RESOURCES_ONLY);
    expect(spec.labels).toEqual({ reason: "release-42", team: "shop" });
    expect(spec.hooks.map((h) => h.name)).toEqual(["freeze"]);
  });

  it("leaves unset flags at the hub's defaults", () => {
    const spec = buildBackupSpec(specFlags(["--repository", "main"]));
    expect(spec.includedNamespaces).toEqual([]);
    expect(spec.includeClusterResources).toBe(ClusterResourcePolicy.UNSPECIFIED);
    expect(spec.mode).toBe(BackupMode.UNSPECIFIED);
    expect(spec.ttl).toBeUndefined();
    expect(spec.labels).toEqual({});
  });

  it("takes repeated --or-label-selector, every mode and every cluster-resources choice", () => {
    expect(buildBackupSpec(specFlags(["--repository", "r", "--or-label-selector", "app=web", "--or-label-selector", "app=db"])).orLabelSelectors).toEqual(["app=web", "app=db"]);
    expect(buildBackupSpec(specFlags(["--repository", "r", "--mode", "dry-run"])).mode).toBe(BackupMode.DRY_RUN);
    expect(buildBackupSpec(specFlags(["--repository", "r", "--mode", "DATA_ONLY"])).mode).toBe(BackupMode.DATA_ONLY);
    expect(buildBackupSpec(specFlags(["--repository", "r", "--mode", "normal"])).mode).toBe(BackupMode.NORMAL);
    expect(buildBackupSpec(specFlags(["--repository", "r", "--include-cluster-resources", "auto"])).includeClusterResources).toBe(ClusterResourcePolicy.AUTO);
    expect(buildBackupSpec(specFlags(["--repository", "r", "--include-cluster-resources", "true"])).includeClusterResources).toBe(ClusterResourcePolicy.INCLUDE);
  });

  it.each([
    [[], "--repository", /--repository is required/],
    [["--repository", "r", "--include-namespaces", "Shop"], "--include-namespaces", /"Shop" is invalid: expected namespace names/],
    [["--repository", "r", "--exclude-namespaces", "a b"], "--exclude-namespaces", /"a b" is invalid/],
    [["--repository", "r", "--include-resources", "deploy/x"], "--include-resources", /"deploy\/x" is invalid: expected resources/],
    [["--repository", "r", "--exclude-resources", "a=b"], "--exclude-resources", /"a=b" is invalid/],
    [["--repository", "r", "--include-namespaces", "shop", "--exclude-namespaces", "shop"], "--exclude-namespaces", /also in --include-namespaces/],
    [["--repository", "r", "--include-resources", "pods", "--exclude-resources", "pods"], "--exclude-resources", /also in --include-resources/],
    [["--repository", "r", "--include-cluster-resources", "sometimes"], "--include-cluster-resources", /expected one of auto, true, false/],
    [["--repository", "r", "--label-selector", "a=b", "--or-label-selector", "c=d"], "--or-label-selector", /not both/],
    [["--repository", "r", "--or-label-selector", " "], "--or-label-selector", /expected a label selector/],
    [["--repository", "r", "--ttl", "30"], "--ttl", /"30" is invalid: expected a positive duration/],
    [["--repository", "r", "--ttl", "soon"], "--ttl", /"soon" is invalid/],
    [["--repository", "r", "--mode", "fast"], "--mode", /expected one of normal, resources-only, data-only, dry-run/],
    [["--repository", "r", "--labels", "a"], "--labels", /expected key=value/],
  ])("refuses %j naming %s", (argv, field, message) => {
    expect(() => buildBackupSpec(specFlags(argv))).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field, message: expect.stringMatching(message) }));
  });
});

describe("buildPolicy", () => {
  const policyFlags = (argv: string[]) => parseFlags<Parameters<typeof buildPolicy>[0]>(withPolicyOptions, argv);

  it("reads the policy, its spec and its retention from flags", () => {
    const policy = buildPolicy(
      policyFlags([
        "--name", "nightly",
        "--description", "prod at night",
        "--cluster-selector", "env=prod",
        "--clusters", "eu-1,us-1",
        "--clusters", "ap-1",
        "--schedule", "0 2 * * *",
        "--time-zone", "Europe/Paris",
        "--paused",
        "--repository", "main",
        "--ttl", "30d",
        "--keep-last", "3",
        "--keep-hourly", "0",
        "--keep-daily", "7",
        "--keep-weekly", "4",
        "--keep-monthly", "12",
      ]),
    );
    expect(policy).toMatchObject({
      name: "nightly",
      description: "prod at night",
      clusterSelector: "env=prod",
      clusterNames: ["eu-1", "us-1", "ap-1"],
      schedule: "0 2 * * *",
      timeZone: "Europe/Paris",
      paused: true,
      retention: { keepLast: 3, keepHourly: 0, keepDaily: 7, keepWeekly: 4, keepMonthly: 12 },
    });
    expect(policy.backup?.repository).toBe("main");
    expect(policy.backup?.ttl?.seconds).toBe(2_592_000n);
  });

  it.each([
    [["--repository", "r", "--cluster-selector", "env=prod"], "--name", /--name is required/],
    [["--name", "Nightly", "--repository", "r", "--clusters", "a"], "--name", /"Nightly" is invalid/],
    [["--name", "n", "--repository", "r"], "--cluster-selector or --clusters", /is required/],
    [["--name", "n", "--repository", "r", "--clusters", "a", "--time-zone", "Mars/Olympus"], "--time-zone", /"Mars\/Olympus" is invalid: expected an IANA time zone/],
    [["--name", "n", "--repository", "r", "--clusters", "a", "--keep-daily", "-1"], "--keep-daily", /"-1" is invalid: expected a whole number of at least 0/],
    [["--name", "n", "--clusters", "a"], "--repository", /--repository is required/],
  ])("refuses %j naming %s", (argv, field, message) => {
    expect(() => buildPolicy(policyFlags(argv))).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field, message: expect.stringMatching(message) }));
  });

  it("names the first policy flag given beside a file, as typed", () => {
    expect(flagBesideFile(policyFlags([]))).toBeUndefined();
    expect(flagBesideFile(policyFlags(["--keep-last", "2"]))).toBe("--keep-last");
    expect(flagBesideFile(policyFlags(["--include-namespaces", "a"]))).toBe("--include-namespaces");
  });
});
