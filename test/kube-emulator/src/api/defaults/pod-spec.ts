import type { JsonObject, JsonValue } from "../../api-types.js";
import { defaultFieldRef, defaultVolume } from "./volumes.js";

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * SetDefaults_PodSpec and SetDefaults_Container (pkg/apis/core/v1/defaults.go): the fields a
 * real server fills in every pod and pod template, so what clients read back (and what a
 * backup captures) matches a real cluster.
 */
export function defaultPodSpec(spec: JsonObject): JsonObject {
  const out: JsonObject = {
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    securityContext: {},
    schedulerName: "default-scheduler",
    ...spec,
  };
  // The v1 conversion keeps the deprecated serviceAccount an alias of serviceAccountName
  // (serviceAccountName wins when both are given).
  // Keys are set in place so that a write that changes nothing keeps the object's key order.
  const account = out.serviceAccountName || out.serviceAccount;
  if (typeof account === "string" && account !== "") {
    out.serviceAccountName = account;
    out.serviceAccount = account;
  } else {
    delete out.serviceAccountName;
    delete out.serviceAccount;
  }
  for (const field of ["containers", "initContainers"]) {
    const list = out[field];
    if (Array.isArray(list)) out[field] = list.map(defaultContainer);
  }
  if (Array.isArray(out.volumes)) out.volumes = out.volumes.map(defaultVolume);
  return out;
}

function defaultContainer(value: JsonValue): JsonValue {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const image = typeof value.image === "string" ? value.image : "";
  const out: JsonObject = {
    // A :latest or untagged image is pulled every time; a pinned one only if absent.
    imagePullPolicy: isLatest(image) ? "Always" : "IfNotPresent",
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    resources: {},
    ...value,
  };
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) if (isObject(out[probe])) out[probe] = defaultProbe(out[probe]);
  if (Array.isArray(out.env)) {
    out.env = out.env.map((e) => (isObject(e) && isObject(e.valueFrom) ? { ...e, valueFrom: defaultFieldRef(e.valueFrom) } : e));
  }
  if (Array.isArray(out.ports)) {
    out.ports = out.ports.map((p) => (typeof p === "object" && p !== null && !Array.isArray(p) ? { protocol: "TCP", ...p } : p));
  }
  return out;
}

/** SetDefaults_Probe and SetDefaults_HTTPGetAction. */
function defaultProbe(probe: JsonObject): JsonObject {
  const out: JsonObject = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, ...probe };
  if (isObject(out.httpGet)) out.httpGet = { path: "/", scheme: "HTTP", ...out.httpGet };
  return out;
}

function isLatest(image: string): boolean {
  if (image.includes("@")) return false;
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  return colon < 0 || image.slice(colon + 1) === "latest";
}

/** Applies `defaultPodSpec` to the pod template at `path` (e.g. ["spec", "template"]). */
export function defaultTemplateAt(obj: JsonObject, path: string[]): JsonObject {
  const [head, ...rest] = path;
  if (head === undefined) {
    const spec = obj.spec;
    return typeof spec === "object" && spec !== null && !Array.isArray(spec) ? { ...obj, spec: defaultPodSpec(spec) } : obj;
  }
  const child = obj[head];
  if (typeof child !== "object" || child === null || Array.isArray(child)) return obj;
  return { ...obj, [head]: defaultTemplateAt(child, rest) };
}
