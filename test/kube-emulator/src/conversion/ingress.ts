import type { JsonObject, JsonValue, KubeObject } from "../api-types.js";
import type { ConversionFamily, Spoke } from "./types.js";
import { identity } from "./types.js";
import { asArray, asObject, renameKey } from "./util.js";

/**
 * Ingress extensions/v1beta1 and networking.k8s.io/v1beta1 <-> networking.k8s.io/v1,
 * after pkg/apis/networking/v1beta1/conversion.go and pkg/apis/extensions/v1beta1/conversion.go:
 *  - spec.backend <-> spec.defaultBackend
 *  - backend.serviceName + servicePort (int or string) <-> backend.service.name + service.port.number|name
 *  - resource backends are the same in both
 *  - http.paths[].pathType: v1beta1 defaults an absent pathType to ImplementationSpecific
 *    (SetDefaults_HTTPIngressPath); v1 requires it
 *  - status.loadBalancer.ingress[] has the same JSON shape (ip, hostname, ports) in every version.
 *
 * Not emulated: the v1beta1 JSON always carries `servicePort` (0 for resource backends)
 * because IntOrString is a struct; the emulator omits it when there is no service.
 */

function backendToV1(value: JsonValue): JsonValue {
  const b = asObject(value);
  if (!b) return value;
  const { serviceName, servicePort, ...rest } = b;
  const out: JsonObject = {};
  const hasService =
    (typeof serviceName === "string" && serviceName !== "") || typeof servicePort === "string" || (typeof servicePort === "number" && servicePort !== 0);
  if (hasService) {
    const port: JsonObject = {};
    if (typeof servicePort === "string") port.name = servicePort;
    else if (typeof servicePort === "number" && servicePort !== 0) port.number = servicePort;
    out.service = { name: typeof serviceName === "string" ? serviceName : "", port };
  }
  return { ...out, ...rest };
}

function backendFromV1(value: JsonValue): JsonValue {
  const b = asObject(value);
  if (!b) return value;
  const { service, ...rest } = b;
  const out: JsonObject = {};
  const svc = asObject(service);
  if (svc) {
    out.serviceName = typeof svc.name === "string" ? svc.name : "";
    const port = asObject(svc.port) ?? {};
    out.servicePort = typeof port.name === "string" && port.name !== "" ? port.name : typeof port.number === "number" ? port.number : 0;
  }
  return { ...out, ...rest };
}

/** Maps every rule path's backend with `backend`, then hands the path to `path`. */
function mapSpec(spec: JsonObject, backend: (b: JsonValue) => JsonValue, path: (p: JsonObject) => void): void {
  for (const rule of asArray(spec.rules) ?? []) {
    const http = asObject(asObject(rule)?.http);
    for (const p of asArray(http?.paths) ?? []) {
      const po = asObject(p);
      if (!po) continue;
      if (po.backend !== undefined) po.backend = backend(po.backend);
      path(po);
    }
  }
}

const v1beta1: Spoke = {
  toHub(obj: KubeObject): KubeObject {
    const spec = asObject(obj.spec);
    if (spec) {
      renameKey(spec, "backend", "defaultBackend", backendToV1);
      mapSpec(spec, backendToV1, (p) => {
        if (p.pathType === undefined || p.pathType === null) {
          // Insert after "path" where the real serializer puts it.
          const { backend, ...head } = p;
          for (const k of Object.keys(p)) delete p[k];
          Object.assign(p, head, { pathType: "ImplementationSpecific" }, backend === undefined ? {} : { backend });
        }
      });
    }
    return obj;
  },
  fromHub(obj: KubeObject): KubeObject {
    const spec = asObject(obj.spec);
    if (spec) {
      renameKey(spec, "defaultBackend", "backend", backendFromV1);
      mapSpec(spec, backendFromV1, () => {});
    }
    return obj;
  },
};

export const ingressFamilies: ConversionFamily[] = [
  {
    storageKey: "networking.k8s.io/ingresses",
    kind: "Ingress",
    hub: { group: "networking.k8s.io", version: "v1" },
    spokes: { "extensions/v1beta1": v1beta1, "networking.k8s.io/v1beta1": v1beta1 },
  },
  {
    // IngressClass v1beta1 and v1 share one schema.
    storageKey: "networking.k8s.io/ingressclasses",
    kind: "IngressClass",
    hub: { group: "networking.k8s.io", version: "v1" },
    spokes: { "networking.k8s.io/v1beta1": identity },
  },
  {
    // extensions/v1beta1 NetworkPolicy (served until 1.16, or 1.17 with legacy APIs) is the v1 schema.
    storageKey: "networking.k8s.io/networkpolicies",
    kind: "NetworkPolicy",
    hub: { group: "networking.k8s.io", version: "v1" },
    spokes: { "extensions/v1beta1": identity },
  },
];
