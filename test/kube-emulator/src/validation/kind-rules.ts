import type { JsonObject, JsonValue } from "../api-types.js";
import type { StatusCause } from "../http/status-error.js";
import { checkConfigMapKey, checkDns1123Label } from "./names.js";

type Rule = (obj: JsonObject) => StatusCause[];

const required = (field: string): StatusCause => ({ reason: "FieldValueRequired", message: "Required value", field });

function asObject(v: JsonValue | undefined): JsonObject | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v : undefined;
}

function checkPodSpec(spec: JsonObject | undefined, path: string): StatusCause[] {
  if (!spec) return [required(path)];
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) return [required(`${path}.containers`)];
  const causes: StatusCause[] = [];
  containers.forEach((c, i) => {
    const container = asObject(c);
    if (!container?.name) causes.push(required(`${path}.containers[${i}].name`));
    if (!container?.image) causes.push(required(`${path}.containers[${i}].image`));
  });
  return causes;
}

function checkWorkload(obj: JsonObject): StatusCause[] {
  const spec = asObject(obj.spec);
  if (!spec) return [required("spec")];
  const causes: StatusCause[] = [];
  const template = asObject(spec.template);
  const selector = asObject(spec.selector);
  if (!selector) causes.push(required("spec.selector"));
  const templateLabels = asObject(asObject(template?.metadata)?.labels) ?? {};
  const matchLabels = asObject(selector?.matchLabels) ?? {};
  for (const [k, v] of Object.entries(matchLabels)) {
    if (templateLabels[k] !== v) {
      causes.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(templateLabels)}: \`selector\` does not match template \`labels\``,
        field: "spec.template.metadata.labels",
      });
      break;
    }
  }
  causes.push(...checkPodSpec(asObject(template?.spec), "spec.template.spec"));
  return causes;
}

const serviceTypes = new Set(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]);

function checkService(obj: JsonObject): StatusCause[] {
  const spec = asObject(obj.spec) ?? {};
  const causes: StatusCause[] = [];
  const type = (spec.type as string | undefined) ?? "ClusterIP";
  if (!serviceTypes.has(type)) {
    causes.push({ reason: "FieldValueNotSupported", message: `Unsupported value: "${type}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`, field: "spec.type" });
  }
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  if (ports.length === 0 && type !== "ExternalName" && spec.clusterIP !== "None") causes.push(required("spec.ports"));
  ports.forEach((p, i) => {
    const port = asObject(p)?.port;
    if (typeof port !== "number" || port < 1 || port > 65535) {
      causes.push({ reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(port ?? null)}: must be between 1 and 65535, inclusive`, field: `spec.ports[${i}].port` });
    }
  });
  return causes;
}

function checkDataKeys(obj: JsonObject): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const field of ["data", "binaryData", "stringData"]) {
    for (const key of Object.keys(asObject(obj[field]) ?? {})) {
      const bad = checkConfigMapKey(key);
      if (bad) causes.push({ reason: "FieldValueInvalid", message: `Invalid value: "${key}": ${bad}`, field: `${field}[${key}]` });
    }
  }
  return causes;
}

function checkSecret(obj: JsonObject): StatusCause[] {
  const causes = checkDataKeys(obj);
  for (const [key, value] of Object.entries(asObject(obj.data) ?? {})) {
    if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
      causes.push({ reason: "FieldValueInvalid", message: `Invalid value: "${key}": illegal base64 data`, field: `data[${key}]` });
    }
  }
  return causes;
}

function checkNamespaceName(obj: JsonObject): StatusCause[] {
  const name = String(asObject(obj.metadata)?.name ?? "");
  const bad = name ? checkDns1123Label(name) : undefined;
  return bad ? [{ reason: "FieldValueInvalid", message: `Invalid value: "${name}": ${bad}`, field: "metadata.name" }] : [];
}

/** Per-kind checks, by storage key. Kinds without an entry get metadata checks only. */
export const kindRules: Record<string, Rule> = {
  "/pods": (obj) => checkPodSpec(asObject(obj.spec), "spec"),
  "apps/deployments": checkWorkload,
  "apps/replicasets": checkWorkload,
  "apps/statefulsets": checkWorkload,
  "apps/daemonsets": checkWorkload,
  "/services": checkService,
  "/configmaps": checkDataKeys,
  "/secrets": checkSecret,
  "/namespaces": checkNamespaceName,
};

function checkCrd(obj: JsonObject): StatusCause[] {
  const spec = asObject(obj.spec);
  if (!spec) return [required("spec")];
  const causes: StatusCause[] = [];
  const names = asObject(spec.names);
  const group = typeof spec.group === "string" ? spec.group : "";
  if (!group) causes.push(required("spec.group"));
  if (!names?.plural) causes.push(required("spec.names.plural"));
  if (!names?.kind) causes.push(required("spec.names.kind"));
  if (spec.scope !== "Namespaced" && spec.scope !== "Cluster") {
    causes.push({ reason: "FieldValueNotSupported", message: `Unsupported value: ${JSON.stringify(spec.scope ?? "")}: supported values: "Cluster", "Namespaced"`, field: "spec.scope" });
  }
  const name = String(asObject(obj.metadata)?.name ?? "");
  if (names?.plural && group && name !== `${String(names.plural)}.${group}`) {
    causes.push({ reason: "FieldValueInvalid", message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`, field: "metadata.name" });
  }
  const versions = Array.isArray(spec.versions) ? spec.versions.map(asObject) : [];
  if (versions.length === 0) causes.push(required("spec.versions"));
  const storage = versions.filter((v) => v?.storage === true).length;
  if (versions.length > 0 && storage !== 1) {
    causes.push({ reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(spec.versions)}: must have exactly one version marked as storage version`, field: "spec.versions" });
  }
  if (versions.length > 0 && !versions.some((v) => v?.served === true)) {
    causes.push({ reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(spec.versions)}: must serve at least one version`, field: "spec.versions" });
  }
  return causes;
}

kindRules["apiextensions.k8s.io/customresourcedefinitions"] = checkCrd;
