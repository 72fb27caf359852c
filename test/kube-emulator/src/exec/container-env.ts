import type { JsonObject, KubeObject } from "../api-types.js";
import type { ObjectStore } from "../store/index.js";
import { defaultPath } from "./find-executable.js";

/**
 * The environment of an exec'd command, built as the kubelet builds a container's
 * (kubelet_pods.go makeEnvironmentVariables): the image's defaults, the Docker-link
 * variables of Services (the pod's namespace when enableServiceLinks, and always the
 * `kubernetes` Service), then envFrom and env with valueFrom resolved and $(VAR) expanded.
 */
export function containerEnv(store: ObjectStore, pod: KubeObject, container: JsonObject, tty: boolean): Array<[string, string]> {
  const ns = pod.metadata.namespace ?? "default";
  const env = new Map<string, string>([
    ["PATH", defaultPath],
    ["HOSTNAME", pod.metadata.name ?? ""],
  ]);
  if (tty) env.set("TERM", "xterm");
  const spec = (pod.spec as JsonObject | undefined) ?? {};
  const services = spec.enableServiceLinks === false ? [] : store.list("/services", ns).items;
  const master = store.get("/services", "default", "kubernetes");
  if (master && ns !== "default") services.push(master);
  for (const svc of services) for (const [k, v] of serviceEnv(svc)) env.set(k, v);

  const own = new Map<string, string>();
  for (const source of objects(container.envFrom)) {
    const prefix = typeof source.prefix === "string" ? source.prefix : "";
    const cm = source.configMapRef as JsonObject | undefined;
    const secret = source.secretRef as JsonObject | undefined;
    const data = cm ? configMapData(store, ns, String(cm.name)) : secret ? secretData(store, ns, String(secret.name)) : undefined;
    for (const [k, v] of Object.entries(data ?? {})) own.set(prefix + k, v);
  }
  for (const e of objects(container.env)) {
    const name = String(e.name);
    const value =
      typeof e.value === "string" ? expand(e.value, (ref) => own.get(ref) ?? env.get(ref)) : e.valueFrom ? valueFrom(store, pod, e.valueFrom as JsonObject) : "";
    if (value !== undefined) own.set(name, value);
  }
  for (const [k, v] of own) env.set(k, v);
  if (!env.has("HOME")) env.set("HOME", "/root");
  return [...env];
}

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter((v): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v)) : [];
}

/** $(VAR) references to earlier variables, $$ for a literal $ (third_party/forked/golang/expansion). */
function expand(value: string, lookup: (name: string) => string | undefined): string {
  return value.replace(/\$\$|\$\(([^)]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return "$";
    return lookup(name) ?? match;
  });
}

function configMapData(store: ObjectStore, ns: string, name: string): Record<string, string> | undefined {
  return store.get("/configmaps", ns, name)?.data as Record<string, string> | undefined;
}

function secretData(store: ObjectStore, ns: string, name: string): Record<string, string> | undefined {
  const data = store.get("/secrets", ns, name)?.data as Record<string, string> | undefined;
  if (!data) return undefined;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
}

function valueFrom(store: ObjectStore, pod: KubeObject, from: JsonObject): string | undefined {
  const ns = pod.metadata.namespace ?? "default";
  const cmRef = from.configMapKeyRef as JsonObject | undefined;
  if (cmRef) return configMapData(store, ns, String(cmRef.name))?.[String(cmRef.key)];
  const secretRef = from.secretKeyRef as JsonObject | undefined;
  if (secretRef) return secretData(store, ns, String(secretRef.name))?.[String(secretRef.key)];
  const fieldRef = from.fieldRef as JsonObject | undefined;
  if (fieldRef) return podField(pod, String(fieldRef.fieldPath));
  return undefined;
}

/** The downward API's field paths (pkg/fieldpath). */
function podField(pod: KubeObject, path: string): string | undefined {
  const spec = (pod.spec as JsonObject | undefined) ?? {};
  const status = (pod.status as JsonObject | undefined) ?? {};
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed) return (pod.metadata[keyed[1] as "labels" | "annotations"] ?? {})[keyed[2]!];
  const simple: Record<string, unknown> = {
    "metadata.name": pod.metadata.name,
    "metadata.namespace": pod.metadata.namespace,
    "metadata.uid": pod.metadata.uid,
    "spec.nodeName": spec.nodeName,
    "spec.serviceAccountName": spec.serviceAccountName,
    "status.podIP": status.podIP,
    "status.hostIP": status.hostIP,
  };
  const value = simple[path];
  return typeof value === "string" ? value : undefined;
}

/** Docker-link variables of one Service (pkg/kubelet/envvars). */
function serviceEnv(svc: KubeObject): Array<[string, string]> {
  const spec = (svc.spec as JsonObject | undefined) ?? {};
  const ip = spec.clusterIP;
  if (typeof ip !== "string" || ip === "" || ip === "None") return [];
  const name = String(svc.metadata.name).toUpperCase().replace(/-/g, "_");
  const ports = objects(spec.ports);
  if (ports.length === 0) return [];
  const out: Array<[string, string]> = [[`${name}_SERVICE_HOST`, ip]];
  const first = ports[0]!;
  out.push([`${name}_SERVICE_PORT`, String(first.port)]);
  for (const p of ports) if (typeof p.name === "string" && p.name) out.push([`${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, "_")}`, String(p.port)]);
  const proto = (p: JsonObject) => String(p.protocol ?? "TCP").toLowerCase();
  out.push([`${name}_PORT`, `${proto(first)}://${ip}:${String(first.port)}`]);
  for (const p of ports) {
    const prefix = `${name}_PORT_${String(p.port)}_${proto(p).toUpperCase()}`;
    out.push([prefix, `${proto(p)}://${ip}:${String(p.port)}`], [`${prefix}_PROTO`, proto(p)], [`${prefix}_PORT`, String(p.port)], [`${prefix}_ADDR`, ip]);
  }
  return out;
}
