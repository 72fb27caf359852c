import type { KubeObject } from "../types.js";
import { asArray, asRecord, type JsonRecord } from "./json-fields.js";

const INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/**
 * Rewrites an extensions/v1beta1 or networking.k8s.io/v1beta1 Ingress (in place) into the
 * networking.k8s.io/v1 schema, as the API server's conversion does
 * (pkg/apis/networking/v1beta1/conversion.go):
 *  - spec.backend becomes spec.defaultBackend;
 *  - a backend's serviceName + servicePort becomes service.name + service.port.number (an int
 *    port) or service.port.name (a named one); resource backends are the same in both;
 *  - a path without pathType gets "ImplementationSpecific", v1beta1's default, which v1 requires.
 * Beyond the API server: the kubernetes.io/ingress.class annotation fills an absent
 * spec.ingressClassName, the field v1 controllers read, and is then dropped: API servers before
 * 1.27 reject an Ingress created with both set (kubernetes/kubernetes#115447), and a target that
 * serves networking.k8s.io/v1 runs controllers that read the field.
 */
export function convertIngressToV1(object: KubeObject): void {
  const spec = asRecord(object.spec);
  if (!spec) return;
  if (spec.backend !== undefined) {
    if (spec.defaultBackend === undefined) spec.defaultBackend = backendToV1(spec.backend);
    delete spec.backend;
  }
  for (const rule of asArray(spec.rules) ?? []) {
    for (const path of asArray(asRecord(asRecord(rule)?.http)?.paths) ?? []) {
      const p = asRecord(path);
      if (!p) continue;
      if (p.pathType === undefined || p.pathType === null) p.pathType = "ImplementationSpecific";
      if (p.backend !== undefined) p.backend = backendToV1(p.backend);
    }
  }
  const annotations = object.metadata.annotations;
  const ingressClass = annotations?.[INGRESS_CLASS_ANNOTATION];
  if (!ingressClass) return;
  if (spec.ingressClassName === undefined || spec.ingressClassName === null || spec.ingressClassName === "") spec.ingressClassName = ingressClass;
  delete annotations[INGRESS_CLASS_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete object.metadata.annotations;
}

function backendToV1(value: unknown): unknown {
  const backend = asRecord(value);
  if (!backend) return value;
  const { serviceName, servicePort, ...rest } = backend;
  // v1beta1 JSON carries servicePort 0 on resource backends (IntOrString is a struct in Go).
  const hasService = (typeof serviceName === "string" && serviceName !== "") || typeof servicePort === "string" || (typeof servicePort === "number" && servicePort !== 0);
  if (!hasService) return rest;
  const port: JsonRecord = {};
  if (typeof servicePort === "string") port.name = servicePort;
  else if (typeof servicePort === "number" && servicePort !== 0) port.number = servicePort;
  return { service: { name: typeof serviceName === "string" ? serviceName : "", port }, ...rest };
}
