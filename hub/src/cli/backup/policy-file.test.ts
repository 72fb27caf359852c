import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { BackupMode, ClusterResourcePolicy, HookErrorMode, VolumePolicy } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { parseHooksFile, parsePolicyFile } from "./policy-file.js";

const EXAMPLE = fileURLToPath(new URL("../../../../docs/examples/policy.yaml", import.meta.url));

function refusal(text: string, field: string, message: RegExp) {
  expect(() => parsePolicyFile("p.yaml", text)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field, message: expect.stringMatching(message) }));
}

describe("parsePolicyFile", () => {
  it("reads the example policy in docs/examples", async () => {
    const policy = parsePolicyFile(EXAMPLE, await readFile(EXAMPLE, "utf8"));
    expect(policy).toMatchObject({ name: "nightly", clusterSelector: "env=prod", schedule: "0 2 * * *", timeZone: "Europe/Paris", paused: false });
    expect(policy.retention).toMatchObject({ keepLast: 3, keepDaily: 7, keepWeekly: 4, keepMonthly: 0 });
    const spec = policy.backup!;
    expect(spec.repository).toBe("main");
    expect(spec.excludedNamespaces).toContain("kube-system");
    expect(spec.includeClusterResources).toBe(ClusterResourcePolicy.AUTO);
    expect(spec.mode).toBe(BackupMode.NORMAL);
    expect(spec.ttl?.seconds).toBe(720n * 3600n);
    expect(spec.hooks[0]!.pre[0]).toMatchObject({ container: "postgres", onError: HookErrorMode.FAIL, timeout: { seconds: 120n } });
  });

  it("takes proto durations, snake_case names, short enum names and numbers as strings", () => {
    const policy = parsePolicyFile(
      "p.yaml",
      ["name: p", "cluster_names: [eu-1]", "backup:", "  repository: main", "  ttl: 2592000s", "  mode: dry-run", "  labels:", "    build: 42", "retention:", "  keep_last: '5'"].join("\n"),
    );
    expect(policy.clusterNames).toEqual(["eu-1"]);
    expect(policy.backup?.ttl?.seconds).toBe(2_592_000n);
    expect(policy.backup?.mode).toBe(BackupMode.DRY_RUN);
    expect(policy.backup?.labels).toEqual({ build: "42" });
    expect(policy.retention?.keepLast).toBe(5);
  });

  it("reads volume options with short policy names and a duration with a unit", () => {
    const policy = parsePolicyFile(
      "p.yaml",
      [
        "name: p",
        "backup:",
        "  repository: main",
        "  volumes:",
        "    defaultPolicy: fs",
        "    storageClassPolicies:",
        "      fast-ssd: snapshot",
        "      scratch: NONE",
        "    snapshotClass: csi-snapclass",
        "    full: true",
        "    timeout: 30m",
      ].join("\n"),
    );
    expect(policy.backup?.volumes).toMatchObject({
      defaultPolicy: VolumePolicy.FS,
      storageClassPolicies: { "fast-ssd": VolumePolicy.SNAPSHOT, scratch: VolumePolicy.NONE },
      snapshotClass: "csi-snapclass",
      full: true,
    });
    expect(policy.backup?.volumes?.timeout?.seconds).toBe(1800n);
    refusal("name: p\nbackup:\n  volumes:\n    storageClassPolicies:\n      fast: copy\n", "backup.volumes.storageClassPolicies.fast", /is invalid: expected one of NONE, FS, SNAPSHOT$/);
  });

  it("names an unknown field by its path, with the fields that exist", () => {
    refusal("name: p\nbackup:\n  repository: main\n  includeNamespaces: [shop]\n", "backup.includeNamespaces", /^p\.yaml: backup\.includeNamespaces is not a field of BackupSpec: expected one of .*includedNamespaces/);
    refusal("name: p\nschedul: '0 2 * * *'\n", "schedul", /^p\.yaml: schedul is not a field of Policy/);
  });

  it("names a bad enum value and lists the valid ones", () => {
    refusal("name: p\nbackup:\n  mode: FAST\n", "backup.mode", /^p\.yaml: backup\.mode "FAST" is invalid: expected one of NORMAL, RESOURCES_ONLY, DATA_ONLY, DRY_RUN$/);
    refusal("backup:\n  hooks:\n    - pre:\n        - onError: IGNORE\n", "backup.hooks[0].pre[0].onError", /is invalid: expected one of CONTINUE, FAIL/);
  });

  it("names a bad duration", () => {
    refusal("name: p\nbackup:\n  ttl: 30x\n", "backup.ttl", /^p\.yaml: backup\.ttl "30x" is invalid: expected a positive duration/);
    refusal("name: p\nbackup:\n  ttl: 30\n", "backup.ttl", /backup\.ttl 30 is invalid: expected a duration with a unit/);
  });

  it("names wrong value types and malformed YAML", () => {
    refusal("name: p\npaused: maybe\n", "paused", /paused "maybe" is invalid: expected true or false/);
    refusal("name: p\nclusterNames: eu-1\n", "clusterNames", /clusterNames "eu-1" is invalid: expected a list/);
    refusal("retention:\n  keepLast: lots\n", "retention.keepLast", /retention\.keepLast "lots" is invalid: expected a whole number/);
    refusal("- just\n- a list\n", "p.yaml", /expected a mapping of Policy fields/);
    refusal("name: [unclosed\n", "p.yaml", /^p\.yaml: not valid YAML: /);
  });

  it("names a number out of its field's range", () => {
    refusal("retention:\n  keepLast: -1\n", "retention.keepLast", /^p\.yaml: retention\.keepLast -1 is invalid: expected a whole number from 0 to 4294967295$/);
    refusal("retention:\n  keepLast: 1.5\n", "retention.keepLast", /expected a whole number$/);
  });
});

describe("parseHooksFile", () => {
  it("reads a list of hooks, or a mapping with a hooks list", () => {
    const list = parseHooksFile("h.yaml", "- name: freeze\n  pre:\n    - command: [fsfreeze, -f, /data]\n      timeout: 90s\n");
    expect(list[0]).toMatchObject({ name: "freeze", pre: [{ command: ["fsfreeze", "-f", "/data"], timeout: { seconds: 90n } }] });
    const mapping = parseHooksFile("h.yaml", "hooks:\n  - name: a\n  - name: b\n");
    expect(mapping.map((h) => h.name)).toEqual(["a", "b"]);
  });

  it("names the hook at fault and refuses a document that is not a list", () => {
    expect(() => parseHooksFile("h.yaml", "- name: a\n- name: b\n  pre:\n    - timeout: forever\n")).toThrow(/^h\.yaml: \[1\]\.pre\[0\]\.timeout "forever" is invalid/);
    expect(() => parseHooksFile("h.yaml", "hooks:\n  - nme: a\n")).toThrow(/^h\.yaml: hooks\[0\]\.nme is not a field of BackupHook/);
    expect(() => parseHooksFile("h.yaml", "name: a\n")).toThrow(/^h\.yaml: expected a list of hooks/);
  });
});
