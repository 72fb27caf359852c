import type { JsonObject, KubeObject } from "../api-types.js";
import type { ConversionFamily, Spoke } from "./types.js";
import { identity } from "./types.js";
import { asObject, child, deleteAnnotation, getAnnotation, setAnnotation } from "./util.js";

/**
 * Deployments, DaemonSets, ReplicaSets and StatefulSets of extensions/v1beta1, apps/v1beta1
 * and apps/v1beta2 <-> apps/v1, after the conversion.go and defaults.go of pkg/apis/extensions/v1beta1
 * and pkg/apis/apps/v1beta1, v1beta2 and v1. Spec and status fields are otherwise identical.
 *
 * - Deployment spec.rollbackTo (extensions, apps/v1beta1) has no apps/v1 field; upstream keeps it
 *   in the `deprecated.deployment.rollback.to` annotation of the stored object, and so do we.
 * - DaemonSet spec.templateGeneration (extensions) lives in the
 *   `deprecated.daemonset.template.generation` annotation in apps/v1 and apps/v1beta2. Upstream
 *   writes the annotation on every conversion to apps/v1 (as "0" when unset); we only write it
 *   when the field is set, leaving the initial value to the registry's create strategy.
 * - An object arriving in extensions/v1beta1 or apps/v1beta1 gets that version's defaults first,
 *   as upstream's decoder applies them before conversion, because they differ from apps/v1's:
 *   selector and metadata.labels from the template labels (apps/v1 requires a selector),
 *   Deployment maxSurge/maxUnavailable 1 (extensions), revisionHistoryLimit and
 *   progressDeadlineSeconds 2147483647 "unset" (extensions) or 2 / 600 (apps/v1beta1),
 *   DaemonSet and StatefulSet updateStrategy OnDelete (apps/v1 defaults RollingUpdate).
 *   apps/v1beta2 defaults equal apps/v1's and are left to the hub's own defaulting.
 * - Nothing is defaulted on the way out of the hub.
 */

export const DEPRECATED_ROLLBACK_TO = "deprecated.deployment.rollback.to";
export const DEPRECATED_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";
const MAX_INT32 = 2147483647;

type Legacy = "extensions/v1beta1" | "apps/v1beta1";

function defaultIfAbsent(obj: JsonObject, key: string, value: JsonObject[string]): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

/** Selector and object labels default to the pod template's labels (extensions, apps/v1beta1). */
function defaultSelectorAndLabels(obj: KubeObject, spec: JsonObject): void {
  const templateLabels = asObject(asObject(asObject(spec.template)?.metadata)?.labels);
  if (!templateLabels) return;
  if (spec.selector === undefined || spec.selector === null) spec.selector = { matchLabels: { ...templateLabels } };
  const labels = obj.metadata.labels;
  if (!labels || Object.keys(labels).length === 0) obj.metadata.labels = { ...(templateLabels as Record<string, string>) };
}

function defaultLegacy(kind: string, source: Legacy, obj: KubeObject): void {
  const spec = child(obj, "spec");
  defaultSelectorAndLabels(obj, spec);
  const extensions = source === "extensions/v1beta1";
  switch (kind) {
    case "Deployment": {
      defaultIfAbsent(spec, "replicas", 1);
      const strategy = child(spec, "strategy");
      defaultIfAbsent(strategy, "type", "RollingUpdate");
      if (strategy.type === "RollingUpdate") {
        const rolling = child(strategy, "rollingUpdate");
        defaultIfAbsent(rolling, "maxUnavailable", extensions ? 1 : "25%");
        defaultIfAbsent(rolling, "maxSurge", extensions ? 1 : "25%");
      }
      // extensions spells "retain everything" / "no deadline" as MaxInt32.
      defaultIfAbsent(spec, "revisionHistoryLimit", extensions ? MAX_INT32 : 2);
      defaultIfAbsent(spec, "progressDeadlineSeconds", extensions ? MAX_INT32 : 600);
      break;
    }
    case "DaemonSet": {
      const strategy = child(spec, "updateStrategy");
      defaultIfAbsent(strategy, "type", "OnDelete");
      if (strategy.type === "RollingUpdate") defaultIfAbsent(child(strategy, "rollingUpdate"), "maxUnavailable", 1);
      defaultIfAbsent(spec, "revisionHistoryLimit", 10);
      break;
    }
    case "ReplicaSet":
      defaultIfAbsent(spec, "replicas", 1);
      break;
    case "StatefulSet": {
      defaultIfAbsent(spec, "replicas", 1);
      defaultIfAbsent(spec, "podManagementPolicy", "OrderedReady");
      const strategy = child(spec, "updateStrategy");
      defaultIfAbsent(strategy, "type", "OnDelete");
      const rolling = asObject(strategy.rollingUpdate);
      if (strategy.type === "RollingUpdate" && rolling) defaultIfAbsent(rolling, "partition", 0);
      defaultIfAbsent(spec, "revisionHistoryLimit", 10);
      break;
    }
  }
}

function legacySpoke(kind: string, source: Legacy): Spoke {
  return {
    toHub(obj) {
      defaultLegacy(kind, source, obj);
      const spec = child(obj, "spec");
      if (kind === "Deployment") {
        const revision = asObject(spec.rollbackTo)?.revision;
        delete spec.rollbackTo;
        if (typeof revision === "number") setAnnotation(obj, DEPRECATED_ROLLBACK_TO, String(revision));
        else deleteAnnotation(obj, DEPRECATED_ROLLBACK_TO);
      }
      if (kind === "DaemonSet" && source === "extensions/v1beta1") {
        const generation = spec.templateGeneration;
        delete spec.templateGeneration;
        if (typeof generation === "number") setAnnotation(obj, DEPRECATED_TEMPLATE_GENERATION, String(generation));
      }
      return obj;
    },
    fromHub(obj) {
      const spec = asObject(obj.spec);
      if (kind === "Deployment") {
        const revision = Number(getAnnotation(obj, DEPRECATED_ROLLBACK_TO));
        deleteAnnotation(obj, DEPRECATED_ROLLBACK_TO);
        if (spec && Number.isInteger(revision)) spec.rollbackTo = { revision };
      }
      if (kind === "DaemonSet" && source === "extensions/v1beta1") {
        const generation = Number(getAnnotation(obj, DEPRECATED_TEMPLATE_GENERATION));
        if (spec && Number.isInteger(generation)) {
          spec.templateGeneration = generation;
          deleteAnnotation(obj, DEPRECATED_TEMPLATE_GENERATION);
        }
      }
      return obj;
    },
  };
}

function family(resource: string, kind: string, sources: Array<Legacy | "apps/v1beta2">): ConversionFamily {
  const spokes: Record<string, Spoke> = {};
  for (const s of sources) spokes[s] = s === "apps/v1beta2" ? identity : legacySpoke(kind, s);
  return { storageKey: `apps/${resource}`, kind, hub: { group: "apps", version: "v1" }, spokes };
}

export const workloadFamilies: ConversionFamily[] = [
  family("deployments", "Deployment", ["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"]),
  family("daemonsets", "DaemonSet", ["extensions/v1beta1", "apps/v1beta2"]),
  family("replicasets", "ReplicaSet", ["extensions/v1beta1", "apps/v1beta2"]),
  family("statefulsets", "StatefulSet", ["apps/v1beta1", "apps/v1beta2"]),
];
