import { create } from "@bufbuild/protobuf";
import { ClusterSchema } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { repositoryCredentials } from "./repository-credentials.js";
import { resolveClusterIds } from "./resolve-clusters.js";

const AWS = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "s3cr3t/Key+", AWS_SESSION_TOKEN: "tok" };

describe("repositoryCredentials", () => {
  it("takes the AWS variables for an S3 repository when no flag names others", () => {
    const c = repositoryCredentials("s3://b/p", { password: "pw" }, AWS);
    expect(c).toMatchObject({ password: "pw", accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s3cr3t/Key+", sessionToken: "tok" });
  });

  it("sends no keys for a filesystem repository, or when the AWS variables are not both set", () => {
    expect(repositoryCredentials("file:///srv/r", { password: "pw" }, AWS)).toMatchObject({ accessKeyId: "", secretAccessKey: "" });
    expect(repositoryCredentials("s3://b/p", { password: "pw" }, { AWS_ACCESS_KEY_ID: "AKIA" })).toMatchObject({ accessKeyId: "", secretAccessKey: "" });
  });

  it("reads the keys from the variables the flags name", () => {
    const c = repositoryCredentials("s3://b/p", { password: "pw", accessKeyIdEnv: "EU_ID", secretAccessKeyEnv: "EU_SECRET" }, { ...AWS, EU_ID: "eu-id", EU_SECRET: "eu-secret" });
    expect(c).toMatchObject({ accessKeyId: "eu-id", secretAccessKey: "eu-secret", sessionToken: "" });
  });

  it("names the flag for a missing partner or an unset variable, and never repeats a pasted key", () => {
    expect(() => repositoryCredentials("s3://b/p", { password: "pw", accessKeyIdEnv: "EU_ID" }, {})).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", field: "--secret-access-key-env" }),
    );
    expect(() => repositoryCredentials("s3://b/p", { password: "pw", accessKeyIdEnv: "EU_ID", secretAccessKeyEnv: "EU_SECRET" }, { EU_ID: "x" })).toThrow(
      /^--secret-access-key-env: the environment variable EU_SECRET is not set$/,
    );
    const pasted = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let message = "";
    try {
      repositoryCredentials("s3://b/p", { password: "pw", accessKeyIdEnv: "EU_ID", secretAccessKeyEnv: pasted }, { EU_ID: "x" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^--secret-access-key-env: the value given is not an environment variable's name/);
    expect(message).not.toContain(pasted);
  });
});

describe("resolveClusterIds", () => {
  const clusters = [
    create(ClusterSchema, { id: "c-1", name: "eu-1" }),
    create(ClusterSchema, { id: "c-2", name: "us-1" }),
    create(ClusterSchema, { id: "c-3", name: "twin" }),
    create(ClusterSchema, { id: "c-4", name: "twin" }),
  ];

  it("takes ids and names, each cluster once", () => {
    expect(resolveClusterIds("--cluster", ["eu-1", "c-2", "c-1"], clusters)).toEqual(["c-1", "c-2"]);
  });

  it("names the option and value for an unknown or ambiguous cluster", () => {
    expect(() => resolveClusterIds("--cluster", ["ap-1"], clusters)).toThrow(expect.objectContaining({ code: "NOT_FOUND", field: "--cluster", value: "ap-1" }));
    expect(() => resolveClusterIds("--cluster", ["twin"], clusters)).toThrow(/--cluster "twin": 2 clusters have this name \(c-3, c-4\); give the id/);
  });
});
