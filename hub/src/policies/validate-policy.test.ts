import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { BackupSpecSchema, PolicySchema, RetentionSchema, type Policy } from "@lifeboat/proto";
import { isLifeboatError } from "@lifeboat/shared";
import { validatePolicy, type PolicyReferences } from "./validate-policy.js";

const references: PolicyReferences = {
  clusters: { idOfName: async (name) => ({ "prod-eu": "c-1", "prod-us": "c-2" })[name] },
  repositoryExists: async (name) => name === "main",
};

function policy(change: MessageInitShape<typeof PolicySchema> = {}): Policy {
  return create(PolicySchema, {
    name: "nightly",
    clusterSelector: "env=prod",
    backup: create(BackupSpecSchema, { repository: "main", includedNamespaces: ["shop"] }),
    schedule: "0 2 * * *",
    timeZone: "Europe/Paris",
    retention: create(RetentionSchema, { keepDaily: 7 }),
    ...change,
  });
}

async function refusal(input: Policy | undefined): Promise<{ code: string; field?: string; message: string }> {
  try {
    await validatePolicy(input, references);
  } catch (err) {
    if (isLifeboatError(err)) return { code: err.code, field: err.field, message: err.message };
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("validatePolicy", () => {
  it("accepts a complete policy and returns its parsed schedule", async () => {
    const { policy: valid, schedule } = await validatePolicy(policy({ clusterNames: [" prod-eu ", "prod-eu"] }), references);
    expect(valid.name).toBe("nightly");
    expect(valid.clusterNames).toEqual(["prod-eu"]);
    expect(schedule).toEqual({ kind: "cron", pattern: "0 2 * * *", timeZone: "Europe/Paris" });
  });

  it("accepts a policy run by hand only (no schedule) selecting clusters by name only", async () => {
    const { schedule } = await validatePolicy(policy({ clusterSelector: "", clusterNames: ["prod-us"], schedule: "", timeZone: "" }), references);
    expect(schedule).toBeUndefined();
  });

  it.each<[string, MessageInitShape<typeof PolicySchema>, string, string, RegExp]>([
    ["a malformed cron", { schedule: "0 2 * *" }, "INVALID_ARGUMENT", "policy.schedule", /expected 5/],
    ["a cron field out of range", { schedule: "0 24 * * *" }, "INVALID_ARGUMENT", "policy.schedule", /24/],
    ["a bad @every", { schedule: "@every often" }, "INVALID_ARGUMENT", "policy.schedule", /@every/],
    ["an @every under a second", { schedule: "@every 100ms" }, "INVALID_ARGUMENT", "policy.schedule", /at least 1s/],
    ["a bad time zone", { timeZone: "Europe/Atlantis" }, "INVALID_ARGUMENT", "policy.time_zone", /Europe\/Atlantis/],
    ["a bad selector", { clusterSelector: "env in (prod" }, "INVALID_ARGUMENT", "policy.cluster_selector", /parenthes/],
    ["no cluster at all", { clusterSelector: "" }, "INVALID_ARGUMENT", "policy.cluster_selector", /selects no cluster/],
    ["an unknown cluster", { clusterNames: ["prod-eu", "staging"] }, "NOT_FOUND", "policy.cluster_names", /"staging"/],
    ["an unknown repository", { backup: create(BackupSpecSchema, { repository: "elsewhere" }) }, "NOT_FOUND", "policy.backup.repository", /"elsewhere"/],
    ["no repository", { backup: create(BackupSpecSchema, {}) }, "INVALID_ARGUMENT", "policy.backup.repository", /required/],
    ["no backup spec", { backup: undefined }, "INVALID_ARGUMENT", "policy.backup", /required/],
    ["a bad name", { name: "Nightly_Backups" }, "INVALID_ARGUMENT", "policy.name", /Nightly_Backups/],
    ["an empty name", { name: "" }, "INVALID_ARGUMENT", "policy.name", /required/],
    ["a huge retention", { retention: create(RetentionSchema, { keepLast: 1_000_000 }) }, "INVALID_ARGUMENT", "policy.retention.keep_last", /at most/],
  ])("refuses %s naming the field", async (_what, change, code, field, message) => {
    const err = await refusal(policy(change));
    expect(err).toMatchObject({ code, field });
    expect(err.message).toMatch(message);
  });

  it("refuses a spec the backup validator refuses, naming the spec's field under policy.backup", async () => {
    const err = await refusal(policy({ backup: create(BackupSpecSchema, { repository: "main", includedNamespaces: ["Not A Namespace"] }) }));
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.field).toMatch(/^policy\.backup\.included_namespaces/);
    expect(err.message).toContain("Not A Namespace");
  });

  it("refuses a missing policy", async () => {
    expect(await refusal(undefined)).toMatchObject({ code: "INVALID_ARGUMENT", field: "policy" });
  });
});
