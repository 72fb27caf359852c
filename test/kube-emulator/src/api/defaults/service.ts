import type { JsonObject, JsonValue } from "../../api-types.js";

/** SetDefaults_Service: type, session affinity, and per-port protocol and targetPort. */
export function defaultServiceSpec(spec: JsonObject, minor: number): JsonObject {
  const type = (spec.type as string | undefined) ?? "ClusterIP";
  const out: JsonObject = { type, sessionAffinity: "None", ...spec };
  if (Array.isArray(out.ports)) out.ports = out.ports.map(defaultPort);
  if (type === "NodePort" || type === "LoadBalancer") out.externalTrafficPolicy ??= "Cluster";
  // Dual-stack fields were added in 1.20 and internalTrafficPolicy in 1.22.
  if (minor >= 20 && type !== "ExternalName") {
    out.ipFamilies ??= ["IPv4"];
    out.ipFamilyPolicy ??= "SingleStack";
  }
  if (minor >= 22 && type !== "ExternalName") out.internalTrafficPolicy ??= "Cluster";
  return out;
}

function defaultPort(value: JsonValue): JsonValue {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  return { protocol: "TCP", ...value, targetPort: value.targetPort ?? value.port ?? null };
}
