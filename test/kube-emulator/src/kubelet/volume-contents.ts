import { createHash, randomBytes } from "node:crypto";
import type { JsonObject, KubeObject } from "../api-types.js";

/**
 * The files the kubelet's configMap, secret, downwardAPI and projected volume plugins put
 * in a volume (pkg/volume/{configmap,secret,downwardapi,projected}: MakePayload), with the
 * errors they fail SetUp with when a required source or key is missing.
 */

export interface VolumeFile {
  /** Relative to the volume directory; may contain "/". */
  path: string;
  data: Buffer;
  mode: number;
}

export type VolumeContents = { files: VolumeFile[] } | { error: string };

/** What the plugins read: the pod's namespace objects and the pod itself. */
export interface SourceLookup {
  configMap(name: string): KubeObject | undefined;
  secret(name: string): KubeObject | undefined;
}

/** Files are 0644 unless the volume or the item says otherwise (DefaultMode in pkg/apis/core/v1/defaults.go). */
const defaultFileMode = 0o644;

const asObject = (v: unknown): JsonObject => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {});
const asObjects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.map(asObject) : []);
const modeOf = (v: unknown, fallback: number): number => (typeof v === "number" && Number.isInteger(v) ? v : fallback);

/** The keys of a ConfigMap (data as text, binaryData base64) or a Secret (data base64). */
function keyedData(obj: KubeObject, kind: "configmap" | "secret"): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(asObject(obj.data))) out.set(k, kind === "secret" ? Buffer.from(String(v), "base64") : Buffer.from(String(v), "utf8"));
  if (kind === "configmap") for (const [k, v] of Object.entries(asObject(obj.binaryData))) out.set(k, Buffer.from(String(v), "base64"));
  return out;
}

/**
 * One configMap or secret source: every key as a file, or only the listed items at their
 * paths. A missing source fails unless optional; a listed key that is missing fails unless
 * the source is optional.
 */
function keyedSource(
  source: JsonObject,
  kind: "configmap" | "secret",
  lookup: SourceLookup,
  defaultMode: number,
): VolumeContents {
  // A secret volume names its Secret in secretName, a projection of one in name.
  const name = String((kind === "secret" ? source.secretName ?? source.name : source.name) ?? "");
  const optional = source.optional === true;
  const obj = kind === "secret" ? lookup.secret(name) : lookup.configMap(name);
  if (!obj) return optional ? { files: [] } : { error: `${kind} "${name}" not found` };
  const data = keyedData(obj, kind);
  const items = asObjects(source.items);
  if (items.length === 0) return { files: [...data].map(([key, bytes]) => ({ path: key, data: bytes, mode: defaultMode })) };
  const files: VolumeFile[] = [];
  for (const item of items) {
    const key = String(item.key ?? "");
    const bytes = data.get(key);
    if (bytes === undefined) {
      if (optional) continue;
      return { error: kind === "secret" ? `references non-existent secret key: ${key}` : `configmap references non-existent config key: ${key}` };
    }
    files.push({ path: String(item.path ?? key), data: bytes, mode: modeOf(item.mode, defaultMode) });
  }
  return { files };
}

/** fieldpath.FormatMap: sorted `key="value"` lines. */
function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map![k])}`)
    .join("\n");
}

/** fieldpath.ExtractFieldPathAsString for the fields a downwardAPI volume may name. */
export function downwardFieldValue(pod: KubeObject, fieldPath: string): string | undefined {
  const meta = pod.metadata;
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (subscript) return (subscript[1] === "labels" ? meta.labels : meta.annotations)?.[subscript[2]!] ?? "";
  switch (fieldPath) {
    case "metadata.name":
      return meta.name ?? "";
    case "metadata.namespace":
      return meta.namespace ?? "";
    case "metadata.uid":
      return meta.uid ?? "";
    case "metadata.labels":
      return formatMap(meta.labels);
    case "metadata.annotations":
      return formatMap(meta.annotations);
    case "spec.nodeName":
      return String(asObject(pod.spec).nodeName ?? "");
    case "spec.serviceAccountName":
      return String(asObject(pod.spec).serviceAccountName ?? "");
    default:
      return undefined;
  }
}

function downwardSource(source: JsonObject, pod: KubeObject, defaultMode: number): VolumeContents {
  const files: VolumeFile[] = [];
  for (const item of asObjects(source.items)) {
    const fieldPath = asObject(item.fieldRef).fieldPath;
    // resourceFieldRef (container limits) is not modelled: the emulator's containers have no cgroups.
    if (typeof fieldPath !== "string") continue;
    const value = downwardFieldValue(pod, fieldPath);
    if (value === undefined) return { error: `unsupported fieldPath: ${fieldPath}` };
    files.push({ path: String(item.path ?? ""), data: Buffer.from(value, "utf8"), mode: modeOf(item.mode, defaultMode) });
  }
  return { files };
}

/**
 * A projected service account token: a JWT with the claims the TokenRequest API puts in
 * bound tokens, unsigned by any key a real API server would accept.
 */
function serviceAccountToken(source: JsonObject, pod: KubeObject, defaultMode: number): VolumeFile {
  const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const iat = Math.floor(Date.now() / 1000);
  const sa = String(asObject(pod.spec).serviceAccountName ?? "default");
  const namespace = pod.metadata.namespace ?? "";
  const claims = {
    aud: [typeof source.audience === "string" ? source.audience : "https://kubernetes.default.svc.cluster.local"],
    exp: iat + (typeof source.expirationSeconds === "number" ? source.expirationSeconds : 3607),
    iat,
    iss: "https://kubernetes.default.svc.cluster.local",
    "kubernetes.io": { namespace, pod: { name: pod.metadata.name ?? "", uid: pod.metadata.uid ?? "" }, serviceaccount: { name: sa, uid: "" } },
    nbf: iat,
    sub: `system:serviceaccount:${namespace}:${sa}`,
  };
  const token = `${b64url({ alg: "RS256", kid: "" })}.${b64url(claims)}.${randomBytes(32).toString("base64url")}`;
  return { path: String(source.path ?? "token"), data: Buffer.from(token), mode: defaultMode };
}

/** The files of a configMap, secret, downwardAPI or projected volume; undefined for other volume types. */
export function volumeContents(volume: JsonObject, pod: KubeObject, lookup: SourceLookup): VolumeContents | undefined {
  if (volume.configMap) {
    const source = asObject(volume.configMap);
    return keyedSource(source, "configmap", lookup, modeOf(source.defaultMode, defaultFileMode));
  }
  if (volume.secret) {
    const source = asObject(volume.secret);
    return keyedSource(source, "secret", lookup, modeOf(source.defaultMode, defaultFileMode));
  }
  if (volume.downwardAPI) {
    const source = asObject(volume.downwardAPI);
    return downwardSource(source, pod, modeOf(source.defaultMode, defaultFileMode));
  }
  if (volume.projected) {
    const projected = asObject(volume.projected);
    const defaultMode = modeOf(projected.defaultMode, defaultFileMode);
    const files: VolumeFile[] = [];
    for (const source of asObjects(projected.sources)) {
      let part: VolumeContents = { files: [] };
      if (source.configMap) part = keyedSource(asObject(source.configMap), "configmap", lookup, defaultMode);
      else if (source.secret) part = keyedSource(asObject(source.secret), "secret", lookup, defaultMode);
      else if (source.downwardAPI) part = downwardSource(asObject(source.downwardAPI), pod, defaultMode);
      else if (source.serviceAccountToken) part = { files: [serviceAccountToken(asObject(source.serviceAccountToken), pod, defaultMode)] };
      if ("error" in part) return part;
      files.push(...part.files);
    }
    return { files };
  }
  return undefined;
}

/** A digest of a volume's files, so a refresh rewrites only volumes whose content changed. */
export function contentsDigest(files: VolumeFile[]): string {
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.path}\0${f.mode}\0${f.data.length}\0`).update(f.data);
  return hash.digest("hex");
}
