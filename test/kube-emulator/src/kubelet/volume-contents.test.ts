import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../api-types.js";
import { downwardFieldValue, volumeContents, type VolumeContents } from "./volume-contents.js";

const pod: KubeObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "shop", uid: "uid-1", labels: { tier: "web", app: "shop" }, annotations: { note: 'say "hi"' } },
  spec: { nodeName: "node-1", serviceAccountName: "builder" },
};
const configMap: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" }, data: { mode: "prod", level: "3" }, binaryData: { blob: Buffer.from([0, 1, 2]).toString("base64") } };
const secret: KubeObject = { apiVersion: "v1", kind: "Secret", metadata: { name: "creds" }, data: { password: Buffer.from("s3cret").toString("base64") } };
const lookup = { configMap: (n: string) => (n === "cfg" ? configMap : undefined), secret: (n: string) => (n === "creds" ? secret : undefined) };

function files(contents: VolumeContents | undefined): Record<string, [string, string]> {
  if (!contents || "error" in contents) throw new Error(`no files: ${JSON.stringify(contents)}`);
  return Object.fromEntries(contents.files.map((f) => [f.path, [f.data.toString("utf8"), f.mode.toString(8)]]));
}

describe("volumeContents", () => {
  it("writes every key of a ConfigMap, binaryData decoded, mode 0644", () => {
    expect(files(volumeContents({ name: "v", configMap: { name: "cfg" } }, pod, lookup))).toEqual({
      mode: ["prod", "644"],
      level: ["3", "644"],
      blob: ["\u0000\u0001\u0002", "644"],
    });
  });

  it("writes only the listed items at their paths, with their modes and the volume's defaultMode", () => {
    const v: JsonObject = { name: "v", configMap: { name: "cfg", defaultMode: 0o400, items: [{ key: "mode", path: "conf/mode.txt" }, { key: "level", path: "level", mode: 0o600 }] } };
    expect(files(volumeContents(v, pod, lookup))).toEqual({ "conf/mode.txt": ["prod", "400"], level: ["3", "600"] });
  });

  it("decodes Secret data", () => {
    expect(files(volumeContents({ name: "v", secret: { secretName: "creds" } }, pod, lookup))).toEqual({ password: ["s3cret", "644"] });
  });

  it("fails SetUp for a missing source or key, unless optional", () => {
    expect(volumeContents({ name: "v", configMap: { name: "nope" } }, pod, lookup)).toEqual({ error: 'configmap "nope" not found' });
    expect(volumeContents({ name: "v", secret: { secretName: "nope" } }, pod, lookup)).toEqual({ error: 'secret "nope" not found' });
    expect(volumeContents({ name: "v", configMap: { name: "nope", optional: true } }, pod, lookup)).toEqual({ files: [] });
    expect(volumeContents({ name: "v", configMap: { name: "cfg", items: [{ key: "missing", path: "m" }] } }, pod, lookup)).toEqual({
      error: "configmap references non-existent config key: missing",
    });
    expect(volumeContents({ name: "v", secret: { secretName: "creds", items: [{ key: "missing", path: "m" }] } }, pod, lookup)).toEqual({
      error: "references non-existent secret key: missing",
    });
    expect(files(volumeContents({ name: "v", configMap: { name: "cfg", optional: true, items: [{ key: "missing", path: "m" }, { key: "mode", path: "mode" }] } }, pod, lookup))).toEqual({
      mode: ["prod", "644"],
    });
  });

  it("projects several sources into one volume", () => {
    const v: JsonObject = {
      name: "v",
      projected: {
        defaultMode: 0o440,
        sources: [{ configMap: { name: "cfg", items: [{ key: "mode", path: "mode" }] } }, { secret: { name: "creds" } }, { downwardAPI: { items: [{ path: "name", fieldRef: { fieldPath: "metadata.name" } }] } }],
      },
    };
    expect(files(volumeContents(v, pod, lookup))).toEqual({ mode: ["prod", "440"], password: ["s3cret", "440"], name: ["web", "440"] });
  });

  it("writes a service account token as a JWT naming the pod", () => {
    const contents = volumeContents({ name: "v", projected: { sources: [{ serviceAccountToken: { path: "token", audience: "vault" } }] } }, pod, lookup);
    const token = files(contents).token![0];
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({ aud: ["vault"], sub: "system:serviceaccount:shop:builder", "kubernetes.io": { namespace: "shop", pod: { name: "web", uid: "uid-1" } } });
  });

  it("leaves other volume types alone", () => {
    expect(volumeContents({ name: "v", emptyDir: {} }, pod, lookup)).toBeUndefined();
  });
});

describe("downwardFieldValue", () => {
  it.each<[string, string | undefined]>([
    ["metadata.name", "web"],
    ["metadata.namespace", "shop"],
    ["metadata.uid", "uid-1"],
    ["metadata.labels", 'app="shop"\ntier="web"'],
    ["metadata.annotations", 'note="say \\"hi\\""'],
    ["metadata.labels['tier']", "web"],
    ["spec.nodeName", "node-1"],
    ["spec.serviceAccountName", "builder"],
    ["status.podIP", undefined],
  ])("%s", (fieldPath, expected) => {
    expect(downwardFieldValue(pod, fieldPath)).toBe(expected);
  });
});
