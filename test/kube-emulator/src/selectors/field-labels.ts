import type { JsonObject, JsonValue } from "../api-types.js";
import { badRequest } from "../http/status-error.js";
import type { FieldSelector } from "./field-selector.js";

/**
 * Which field labels a resource accepts in `fieldSelector`, and what a label
 * reads from an object.
 *
 * Acceptance is the per-kind conversion function registered with
 * AddFieldLabelConversionFunc (k8s.io/kubernetes/pkg/apis/<group>/<version>/conversion.go);
 * a kind without one falls back to runtime.DefaultMetaV1FieldSelectorConversion,
 * which takes metadata.name and metadata.namespace only. Values come from the
 * registry strategies' ToSelectableFields. Two consequences that surprise people,
 * both reproduced on purpose:
 *
 * - apps/v1 registers no conversion function, so ReplicaSets reject
 *   status.replicas although the documentation lists it
 *   (https://github.com/kubernetes/kubernetes/issues/135136);
 * - Node, Namespace and CertificateSigningRequest accept metadata.name but not
 *   metadata.namespace.
 */

const META = ["metadata.name", "metadata.namespace"];

const EVENT_INVOLVED = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];

interface Rules {
  labels: string[];
  /** The kind's own rejection message. */
  reject: (label: string) => string;
}

const notSupported = (label: string): string => `field label not supported: ${label}`;

const RULES: Record<string, Rules> = {
  // pkg/apis/core/v1/conversion.go. spec.host is the pre-1.0 spelling of spec.nodeName.
  "/pods": {
    labels: [
      ...META,
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "spec.hostNetwork",
      "status.phase",
      "status.podIP",
      "status.podIPs",
      "status.nominatedNodeName",
      "spec.host",
    ],
    reject: notSupported,
  },
  "/nodes": { labels: ["metadata.name", "spec.unschedulable"], reject: notSupported },
  "/replicationcontrollers": { labels: [...META, "status.replicas"], reject: notSupported },
  "/events": {
    labels: [
      ...META,
      ...EVENT_INVOLVED.map((f) => `involvedObject.${f}`),
      "reason",
      "reportingComponent",
      "source",
      "type",
    ],
    reject: notSupported,
  },
  "/namespaces": { labels: ["metadata.name", "status.phase"], reject: notSupported },
  "/secrets": { labels: [...META, "type"], reject: notSupported },
  "/services": { labels: [...META, "spec.clusterIP", "spec.type"], reject: notSupported },
  // pkg/apis/events/v1/conversion.go: the events.k8s.io spellings of the same fields.
  "events.k8s.io/events": {
    labels: [...META, ...EVENT_INVOLVED.map((f) => `regarding.${f}`), "reason", "reportingController", "source", "type"],
    reject: notSupported,
  },
  // pkg/apis/batch/v1/conversion.go words its rejection differently.
  "batch/jobs": {
    labels: [...META, "status.successful"],
    reject: (label) => `field label ${JSON.stringify(label)} not supported for batchv1.Job`,
  },
  // pkg/apis/certificates/v1/conversion.go
  "certificates.k8s.io/certificatesigningrequests": {
    labels: ["metadata.name", "spec.signerName"],
    reject: notSupported,
  },
};

const DEFAULT_RULES: Rules = {
  labels: META,
  reject: (label) => `${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

/** For custom resources: the CRD's scope and its spec.versions[].selectableFields. */
export interface CustomResourceFields {
  namespaced: boolean;
  /** JSONPaths as the CRD declares them, e.g. ".spec.color". */
  selectableFields?: string[];
}

function rulesFor(group: string, resource: string, custom?: CustomResourceFields): Rules {
  if (custom) {
    // apiextensions-apiserver's crConverter.ConvertFieldLabel.
    const labels = ["metadata.name", ...(custom.namespaced ? ["metadata.namespace"] : [])];
    for (const path of custom.selectableFields ?? []) labels.push(path.replace(/^\./, ""));
    return { labels, reject: notSupported };
  }
  return RULES[`${group}/${resource}`] ?? DEFAULT_RULES;
}

/** The field labels the server accepts for a resource. */
export function fieldsForResource(group: string, resource: string, custom?: CustomResourceFields): Set<string> {
  return new Set(rulesFor(group, resource, custom).labels);
}

/**
 * Rejects a selector naming a field the resource does not support, with the
 * message the real server gives (a 400). Terms are checked in the parsed
 * selector's order, which is the order the server reports them in.
 */
export function checkFieldSelector(
  selector: FieldSelector,
  group: string,
  resource: string,
  custom?: CustomResourceFields,
): FieldSelector {
  const rules = rulesFor(group, resource, custom);
  for (const { field } of selector.requirements) {
    if (!rules.labels.includes(field)) throw badRequest(rules.reject(field));
  }
  return selector;
}

/**
 * A field label's value on `obj`, as ToSelectableFields computes it: booleans and
 * numbers as their string, defaults where the server fills one in, and both the
 * core and events.k8s.io spellings of Event fields whichever form `obj` is in.
 * Lists and maps have no value (undefined, which matches as "").
 */
export function resolveField(obj: JsonObject, field: string): string | undefined {
  const eventsForm = String(obj.apiVersion ?? "").startsWith("events.k8s.io/") || isObject(obj.regarding);
  switch (field) {
    case "spec.host":
      return scalar(read(obj, "spec.nodeName"));
    case "spec.hostNetwork":
    case "spec.unschedulable":
      return scalar(read(obj, field)) ?? "false";
    case "status.replicas":
      return scalar(read(obj, field)) ?? "0";
    case "status.successful":
      return scalar(read(obj, "status.succeeded")) ?? "0";
    case "status.podIP": {
      const first = read(obj, "status.podIPs.0.ip");
      return scalar(first) ?? scalar(read(obj, field));
    }
    case "source":
      return (
        nonEmpty(scalar(read(obj, eventsForm ? "deprecatedSource.component" : "source.component"))) ??
        scalar(read(obj, eventsForm ? "reportingController" : "reportingComponent"))
      );
    case "reportingComponent":
    case "reportingController":
      return scalar(read(obj, eventsForm ? "reportingController" : "reportingComponent"));
  }
  const involved = /^(involvedObject|regarding)\.(.+)$/.exec(field);
  if (involved) return scalar(read(obj, `${eventsForm ? "regarding" : "involvedObject"}.${involved[2]}`));
  return scalar(read(obj, field));
}

function read(obj: JsonObject, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = obj;
  for (const step of path.split(".")) {
    if (Array.isArray(current) && /^\d+$/.test(step)) current = current[Number(step)];
    else if (isObject(current)) current = current[step];
    else return undefined;
  }
  return current;
}

function scalar(value: JsonValue | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

const nonEmpty = (s: string | undefined): string | undefined => (s === "" ? undefined : s);

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
