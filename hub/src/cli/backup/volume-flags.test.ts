import { VolumePolicy } from "@lifeboat/proto";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { flagBesideFile, withPolicyOptions, type PolicyFlags } from "./policy-flags.js";
import { buildBackupSpec, withBackupSpecOptions, type BackupSpecFlags } from "./spec-flags.js";

/** The flags as commander parses them from argv, so option names and repeats are tested too. */
function parse<T>(add: (command: Command) => Command, argv: string[]): T {
  const command = add(new Command("test").exitOverride());
  command.parse(argv, { from: "user" });
  return command.opts() as T;
}

const specOf = (...argv: string[]) => buildBackupSpec(parse<BackupSpecFlags>(withBackupSpecOptions, ["--repository", "main", ...argv]));

describe("volume flags", () => {
  it("reads every volume flag into spec.volumes", () => {
    const spec = specOf(
      "--volumes", "fs",
      "--volume-policy", "fast-ssd=snapshot,scratch=none",
      "--volume-policy", "standard.storage.k8s.io=FS",
      "--snapshot-class", "csi-snapclass",
      "--full-volume-copy",
      "--volume-timeout", "30m",
    );
    expect(spec.volumes).toMatchObject({
      defaultPolicy: VolumePolicy.FS,
      storageClassPolicies: { "fast-ssd": VolumePolicy.SNAPSHOT, scratch: VolumePolicy.NONE, "standard.storage.k8s.io": VolumePolicy.FS },
      snapshotClass: "csi-snapclass",
      full: true,
    });
    expect(spec.volumes?.timeout?.seconds).toBe(1800n);
  });

  it("leaves spec.volumes unset without volume flags, and the rest at their defaults with one", () => {
    expect(specOf().volumes).toBeUndefined();
    const spec = specOf("--volume-policy", "fast=snapshot");
    expect(spec.volumes).toMatchObject({ defaultPolicy: VolumePolicy.UNSPECIFIED, storageClassPolicies: { fast: VolumePolicy.SNAPSHOT }, snapshotClass: "", full: false });
    expect(spec.volumes?.timeout).toBeUndefined();
    expect(specOf("--volumes", "snapshot").volumes?.defaultPolicy).toBe(VolumePolicy.SNAPSHOT);
    expect(specOf("--volumes", "NONE").volumes?.defaultPolicy).toBe(VolumePolicy.NONE);
    expect(specOf("--full-volume-copy").volumes?.full).toBe(true);
  });

  it("takes the same class twice with the same policy", () => {
    expect(specOf("--volume-policy", "fast=fs", "--volume-policy", "fast=fs").volumes?.storageClassPolicies).toEqual({ fast: VolumePolicy.FS });
  });

  it.each([
    [["--volumes", "copy"], "--volumes", /^--volumes "copy" is invalid: expected a policy of fs, snapshot, none$/],
    [["--volumes", ""], "--volumes", /expected a policy of fs, snapshot, none/],
    [["--volume-policy", "fast"], "--volume-policy", /"fast" is invalid: expected storageclass=policy with a policy of fs, snapshot, none/],
    [["--volume-policy", "fast=copy"], "--volume-policy", /"fast=copy" is invalid: expected a policy of fs, snapshot, none/],
    [["--volume-policy", "Fast_SSD=fs"], "--volume-policy", /"Fast_SSD=fs" is invalid: expected a storage class name before '='/],
    [["--volume-policy", "=fs"], "--volume-policy", /"=fs" is invalid: expected a storage class name/],
    [["--volume-policy", "fast=fs,fast=snapshot"], "--volume-policy", /"fast=snapshot" is invalid: storage class fast is given two policies/],
    [["--snapshot-class", "My Class"], "--snapshot-class", /"My Class" is invalid: expected a VolumeSnapshotClass name/],
    [["--snapshot-class", "x".repeat(254)], "--snapshot-class", /expected a VolumeSnapshotClass name/],
    [["--volume-timeout", "10"], "--volume-timeout", /"10" is invalid: expected a positive duration with a unit/],
    [["--volume-timeout", "later"], "--volume-timeout", /"later" is invalid/],
  ])("refuses %j naming %s", (argv, field, message) => {
    expect(() => specOf(...argv)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", field, message: expect.stringMatching(message) }));
  });

  it("are policy flags too, refused beside a policy file", () => {
    const flags = (argv: string[]) => parse<PolicyFlags>(withPolicyOptions, argv);
    expect(flagBesideFile(flags(["--volumes", "fs"]))).toBe("--volumes");
    expect(flagBesideFile(flags(["--volume-policy", "a=fs"]))).toBe("--volume-policy");
    expect(flagBesideFile(flags(["--snapshot-class", "c"]))).toBe("--snapshot-class");
    expect(flagBesideFile(flags(["--full-volume-copy"]))).toBe("--full-volume-copy");
    expect(flagBesideFile(flags(["--volume-timeout", "5m"]))).toBe("--volume-timeout");
  });
});
