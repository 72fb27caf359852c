import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import {
  BackupHookSchema,
  BackupMode,
  BackupSpecSchema,
  ExecHookSchema,
  HookErrorMode,
  VolumePolicy,
  type BackupSpec,
} from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { validateBackupSpec } from "./validate-spec.js";

const spec = (fields: MessageInitShape<typeof BackupSpecSchema> = {}): BackupSpec => create(BackupSpecSchema, { repository: "main", ...fields });

describe("validateBackupSpec", () => {
  it("accepts a full valid spec", () => {
    const valid = spec({
      includedNamespaces: ["shop", "kube-*", "*"],
      excludedNamespaces: ["kube-system"],
      includedResources: ["deployments", "deployments.apps", "Deployment", "*.example.com"],
      excludedResources: ["events", "events.events.k8s.io"],
      labelSelector: "app=web,tier in (db, cache),!legacy",
      ttl: create(DurationSchema, { seconds: 3600n }),
      mode: BackupMode.RESOURCES_ONLY,
      labels: { app: "shop", "example.com/team": "payments" },
      hooks: [
        create(BackupHookSchema, {
          name: "freeze",
          includedNamespaces: ["shop"],
          labelSelector: "app=db",
          pre: [create(ExecHookSchema, { command: ["/bin/sh", "-c", "sync"], onError: HookErrorMode.FAIL, timeout: create(DurationSchema, { seconds: 10n }) })],
          post: [create(ExecHookSchema, { command: ["true"] })],
        }),
      ],
    });
    expect(validateBackupSpec(valid)).toEqual([]);
  });

  it("accepts or_label_selectors alone", () => {
    expect(validateBackupSpec(spec({ orLabelSelectors: ["app=web", "app=db"] }))).toEqual([]);
  });

  it("requires the spec and its repository", () => {
    expect(validateBackupSpec(undefined)).toEqual(["spec: required"]);
    expect(validateBackupSpec(spec({ repository: "" }))).toEqual([expect.stringMatching(/^spec\.repository: required/)]);
  });

  it("names each bad namespace by its index", () => {
    const problems = validateBackupSpec(spec({ includedNamespaces: ["shop", "Foo"], excludedNamespaces: ["a_b", "x".repeat(64)] }));
    expect(problems).toEqual([
      'spec.included_namespaces[1]: "Foo" is not a valid namespace name or glob',
      'spec.excluded_namespaces[0]: "a_b" is not a valid namespace name or glob',
      `spec.excluded_namespaces[1]: "${"x".repeat(64)}" is not a valid namespace name or glob`,
    ]);
  });

  it("refuses an entry in both include and exclude lists", () => {
    const problems = validateBackupSpec(
      spec({ includedNamespaces: ["a", "shop"], excludedNamespaces: ["shop"], includedResources: ["secrets"], excludedResources: ["secrets"] }),
    );
    expect(problems).toEqual([
      'spec.included_namespaces[1]: "shop" is also in spec.excluded_namespaces; name it in one list only',
      'spec.included_resources[0]: "secrets" is also in spec.excluded_resources; name it in one list only',
    ]);
  });

  it("refuses malformed resource names", () => {
    const problems = validateBackupSpec(spec({ includedResources: ["deployments..apps", "bad name", ".x"], excludedResources: ["ok", ""] }));
    expect(problems).toHaveLength(4);
    expect(problems[0]).toBe('spec.included_resources[0]: "deployments..apps" is not a valid resource name or glob');
    expect(problems[3]).toBe('spec.excluded_resources[1]: "" is not a valid resource name or glob');
  });

  it("refuses selectors that do not parse and the two kinds together", () => {
    expect(validateBackupSpec(spec({ labelSelector: "app in (web" }))).toEqual([expect.stringMatching(/^spec\.label_selector "app in \(web" is not a valid label selector/)]);
    expect(validateBackupSpec(spec({ orLabelSelectors: ["app=web", "bad key=1", ""] }))).toEqual([
      expect.stringMatching(/^spec\.or_label_selectors\[1\] "bad key=1" is not a valid label selector/),
      expect.stringMatching(/^spec\.or_label_selectors\[2\]: empty/),
    ]);
    expect(validateBackupSpec(spec({ labelSelector: "app=web", orLabelSelectors: ["tier=db"] }))).toEqual([
      "spec.or_label_selectors: cannot be used with spec.label_selector; give one or the other",
    ]);
  });

  it("refuses a negative ttl and accepts zero", () => {
    expect(validateBackupSpec(spec({ ttl: create(DurationSchema, { seconds: -5n }) }))).toEqual([expect.stringMatching(/^spec\.ttl: -5s is negative/)]);
    expect(validateBackupSpec(spec({ ttl: create(DurationSchema, { seconds: 0n, nanos: -1 }) }))).toHaveLength(1);
    expect(validateBackupSpec(spec({ ttl: create(DurationSchema, { seconds: 0n }) }))).toEqual([]);
  });

  it("checks hook commands, timeouts and error modes", () => {
    const problems = validateBackupSpec(
      spec({
        hooks: [
          create(BackupHookSchema, {
            name: "h",
            includedNamespaces: ["Bad"],
            pre: [
              create(ExecHookSchema, { command: [] }),
              create(ExecHookSchema, { command: ["x"], timeout: create(DurationSchema, { seconds: 0n }) }),
            ],
            post: [create(ExecHookSchema, { command: ["x"], onError: 7 as HookErrorMode, timeout: create(DurationSchema, { seconds: -1n }) })],
          }),
          create(BackupHookSchema, { name: "empty" }),
        ],
      }),
    );
    expect(problems).toEqual([
      'spec.hooks[0].included_namespaces[0]: "Bad" is not a valid namespace name or glob',
      expect.stringMatching(/^spec\.hooks\[0\]\.pre\[0\]\.command: required/),
      expect.stringMatching(/^spec\.hooks\[0\]\.pre\[1\]\.timeout: 0s is not positive/),
      expect.stringMatching(/^spec\.hooks\[0\]\.post\[0\]\.timeout: -1s is not positive/),
      expect.stringMatching(/^spec\.hooks\[0\]\.post\[0\]\.on_error: 7 is not a known value/),
      "spec.hooks[1]: no pre or post commands; a hook needs at least one",
    ]);
  });

  it("refuses an unknown mode and bad labels", () => {
    expect(validateBackupSpec(spec({ mode: 9 as BackupMode }))).toEqual([expect.stringMatching(/^spec\.mode: 9 is not a known value; use one of 0, 1, 2, 3, 4$/)]);
    expect(validateBackupSpec(spec({ labels: { "bad key": "v", ok: "not ok!" } }))).toEqual([
      'spec.labels: "bad key" is not a valid label key',
      'spec.labels["ok"]: "not ok!" is not a valid label value',
    ]);
  });

  it("accepts volume options with known policies, DNS names and a positive timeout", () => {
    const volumes = {
      defaultPolicy: VolumePolicy.FS,
      storageClassPolicies: { "fast-ssd": VolumePolicy.SNAPSHOT, "standard.storage.k8s.io": VolumePolicy.NONE },
      snapshotClass: "csi-snapclass",
      full: true,
      timeout: create(DurationSchema, { seconds: 600n }),
    };
    expect(validateBackupSpec(spec({ volumes }))).toEqual([]);
    expect(validateBackupSpec(spec({ volumes: {} }))).toEqual([]);
  });

  it("names each bad volume option by its field", () => {
    const problems = validateBackupSpec(
      spec({
        volumes: {
          defaultPolicy: 7 as VolumePolicy,
          storageClassPolicies: { Fast_SSD: VolumePolicy.FS, ok: 9 as VolumePolicy, ["x".repeat(254)]: VolumePolicy.FS },
          snapshotClass: "Snap Class",
          timeout: create(DurationSchema, { seconds: 0n }),
        },
      }),
    );
    expect(problems).toEqual([
      "spec.volumes.default_policy: 7 is not a known value; use one of 0, 1, 2, 3",
      expect.stringMatching(/^spec\.volumes\.storage_class_policies\["Fast_SSD"\]: "Fast_SSD" is not a valid storage class name/),
      'spec.volumes.storage_class_policies["ok"]: 9 is not a known value; use one of 0, 1, 2, 3',
      expect.stringMatching(/^spec\.volumes\.storage_class_policies\["x{254}"\]: "x{254}" is not a valid storage class name/),
      expect.stringMatching(/^spec\.volumes\.snapshot_class: "Snap Class" is not a valid VolumeSnapshotClass name/),
      "spec.volumes.timeout: 0s is not positive; give a positive duration, or none for 10m",
    ]);
    expect(validateBackupSpec(spec({ volumes: { timeout: create(DurationSchema, { seconds: -5n }) } }))).toEqual([
      "spec.volumes.timeout: -5s is not positive; give a positive duration, or none for 10m",
    ]);
  });

  it("reports every problem at once", () => {
    expect(validateBackupSpec(spec({ repository: "", includedNamespaces: ["A"], mode: 9 as BackupMode }))).toHaveLength(3);
  });
});
