import type { JsonObject, ResourceInfo } from "../../api-types.js";
import type { ObjectService } from "../../api/object-service.js";
import { badRequest, StatusError } from "../status-error.js";

/**
 * .../pods/{name[:port]}/proxy: the emulator's pods listen on nothing, so this answers as
 * kube-apiserver does for a pod it cannot reach (ResourceLocation in
 * pkg/registry/core/pod/strategy.go, then the proxy's dial error).
 */
export function proxyToPod(service: ObjectService, info: ResourceInfo, ns: string | undefined, id: string): never {
  const parts = id.split(":");
  if (parts.length > 3 || parts.some((p) => p === "")) throw badRequest(`invalid pod request "${id}"`);
  const [name, port] = parts.length === 3 ? [parts[1]!, parts[2]] : [parts[0]!, parts[1]];
  const pod = service.get(info, ns, name);
  const ip = String((pod.status as JsonObject | undefined)?.podIP ?? "");
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || ip.startsWith("127.") || ip === "0.0.0.0") throw badRequest("address not allowed");
  const firstPort = (((pod.spec as JsonObject | undefined)?.containers as JsonObject[] | undefined) ?? [])
    .flatMap((c) => (Array.isArray(c.ports) ? (c.ports as JsonObject[]) : []))
    .map((p) => p.containerPort)[0];
  const target = port ?? (firstPort !== undefined ? String(firstPort) : "80");
  throw new StatusError(503, "ServiceUnavailable", `error trying to reach service: dial tcp ${ip}:${target}: connect: connection refused`);
}
