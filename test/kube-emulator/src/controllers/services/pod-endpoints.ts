import type { JsonObject, KubeObject } from "../../api-types.js";
import { isPodReady, podPhase } from "../workloads/pod-status.js";

/** The endpoint port a Service port resolves to on one pod. */
export interface ResolvedPort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

function spec(obj: KubeObject): JsonObject {
  return (obj.spec as JsonObject | undefined) ?? {};
}

/** The pod's IPv4 address (Services here are single-stack IPv4), if it has one yet. */
export function podIp(pod: KubeObject): string | undefined {
  const status = (pod.status as JsonObject | undefined) ?? {};
  const ips = Array.isArray(status.podIPs) ? status.podIPs.map((p) => String((p as JsonObject).ip ?? "")) : [];
  const candidates = [...ips, typeof status.podIP === "string" ? status.podIP : ""].filter((ip) => ip !== "");
  return candidates.find((ip) => !ip.includes(":"));
}

/**
 * endpointsliceutil.ShouldPodBeInEndpoints: the pod has an IP, is not being deleted (unless
 * terminating pods are wanted), and has not finished for good under its restart policy.
 */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (!podIp(pod)) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  const phase = podPhase(pod);
  const restartPolicy = spec(pod).restartPolicy ?? "Always";
  if (restartPolicy === "Never") return phase !== "Failed" && phase !== "Succeeded";
  if (restartPolicy === "OnFailure") return phase !== "Succeeded";
  return true;
}

export { isPodReady };

/** A pod's hostname shows in a Service's endpoints when its subdomain names that Service (ShouldSetHostname). */
export function endpointHostname(pod: KubeObject, svc: KubeObject): string | undefined {
  const { hostname, subdomain } = spec(pod);
  if (typeof hostname !== "string" || hostname === "") return undefined;
  return subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace ? hostname : undefined;
}

export function servicePorts(svc: KubeObject): JsonObject[] {
  const ports = spec(svc).ports;
  return Array.isArray(ports) ? (ports as JsonObject[]) : [];
}

export function isHeadless(svc: KubeObject): boolean {
  return spec(svc).clusterIP === "None";
}

/**
 * podutil.FindPort: a numeric targetPort is taken as is; a named one is the container port
 * of that name and the Service port's protocol, or nothing when no container has it.
 */
function findPort(pod: KubeObject, servicePort: JsonObject): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === "number") return target;
  if (typeof target !== "string") return undefined;
  const protocol = servicePort.protocol ?? "TCP";
  const containers = Array.isArray(spec(pod).containers) ? (spec(pod).containers as JsonObject[]) : [];
  for (const c of containers) {
    for (const p of Array.isArray(c.ports) ? (c.ports as JsonObject[]) : []) {
      if (p.name === target && (p.protocol ?? "TCP") === protocol && typeof p.containerPort === "number") return p.containerPort;
    }
  }
  return undefined;
}

/** The Service's ports as they resolve on this pod, in the Service's order; unresolvable ones are left out. */
export function resolvePorts(svc: KubeObject, pod: KubeObject): ResolvedPort[] {
  const out: ResolvedPort[] = [];
  for (const sp of servicePorts(svc)) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({
      name: typeof sp.name === "string" ? sp.name : "",
      port,
      protocol: typeof sp.protocol === "string" ? sp.protocol : "TCP",
      ...(typeof sp.appProtocol === "string" ? { appProtocol: sp.appProtocol } : {}),
    });
  }
  return out;
}

/** The object reference endpoints carry to their pod; resourceVersion was dropped in 1.24 (kubernetes#108450). */
export function podReference(pod: KubeObject, minor: number): JsonObject {
  return {
    kind: "Pod",
    namespace: pod.metadata.namespace ?? "",
    name: pod.metadata.name ?? "",
    uid: pod.metadata.uid ?? "",
    ...(minor < 24 ? { resourceVersion: pod.metadata.resourceVersion ?? "" } : {}),
  };
}

/** The same JSON with targetRef.resourceVersion removed, for comparisons that must not see pod churn. */
export function withoutPodVersions(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === "resourceVersion" ? undefined : v));
}
