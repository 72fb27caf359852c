import type { KubeObject } from "../types.js";
import { asRecord, childRecord, defaultField, type JsonRecord } from "./json-fields.js";

// extensions and apps/v1beta1 spell "keep every revision" / "no deadline" as MaxInt32.
const MAX_INT32 = 2147483647;

/**
 * Rewrites a Deployment, DaemonSet, ReplicaSet or StatefulSet of extensions/v1beta1,
 * apps/v1beta1 or apps/v1beta2 (in place) into the apps/v1 schema. The fields are otherwise the
 * same (pkg/apis/apps/v1beta1, v1beta2 and pkg/apis/extensions/v1beta1 conversion.go), but:
 *  - apps/v1 requires spec.selector, which extensions and apps/v1beta1 defaulted from the pod
 *    template's labels (with the object's labels); an absent selector is defaulted that way from
 *    any old version, the object's labels only from those two, as their API servers did;
 *  - Deployment spec.rollbackTo and DaemonSet spec.templateGeneration have no apps/v1 field and
 *    are dropped (the API server parks them in deprecated.* annotations; a restore must not
 *    replay a rollback, and the target counts its own template generations);
 *  - an absent strategy gets the old version's default, not apps/v1's, so the object behaves as
 *    it did: extensions/apps v1beta1 Deployments rolled 1 pod (extensions) or 25% at a time and
 *    kept every revision (extensions) or 2; their DaemonSets and StatefulSets updated OnDelete.
 *    A stored object normally has these already, filled by the source's API server.
 */
export function convertWorkloadToAppsV1(object: KubeObject, fromApiVersion: string): void {
  const spec = childRecord(object as unknown as JsonRecord, "spec");
  const legacy = fromApiVersion === "extensions/v1beta1" || fromApiVersion === "apps/v1beta1";
  defaultFromTemplateLabels(object, spec, legacy);
  if (legacy) defaultAsLegacy(object.kind, fromApiVersion === "extensions/v1beta1", spec);
  delete spec.rollbackTo;
  delete spec.templateGeneration;
}

/** The selector, and for the legacy versions the object's labels, from the pod template's labels. */
function defaultFromTemplateLabels(object: KubeObject, spec: JsonRecord, legacy: boolean): void {
  const templateLabels = asRecord(asRecord(asRecord(spec.template)?.metadata)?.labels) as Record<string, string> | undefined;
  if (!templateLabels || Object.keys(templateLabels).length === 0) return;
  defaultField(spec, "selector", { matchLabels: { ...templateLabels } });
  if (legacy && (!object.metadata.labels || Object.keys(object.metadata.labels).length === 0)) object.metadata.labels = { ...templateLabels };
}

function defaultAsLegacy(kind: string, extensions: boolean, spec: JsonRecord): void {
  switch (kind) {
    case "Deployment": {
      const strategy = childRecord(spec, "strategy");
      defaultField(strategy, "type", "RollingUpdate");
      if (strategy.type === "RollingUpdate") {
        const rolling = childRecord(strategy, "rollingUpdate");
        defaultField(rolling, "maxUnavailable", extensions ? 1 : "25%");
        defaultField(rolling, "maxSurge", extensions ? 1 : "25%");
      }
      defaultField(spec, "revisionHistoryLimit", extensions ? MAX_INT32 : 2);
      defaultField(spec, "progressDeadlineSeconds", extensions ? MAX_INT32 : 600);
      break;
    }
    case "DaemonSet":
    case "StatefulSet":
      defaultField(childRecord(spec, "updateStrategy"), "type", "OnDelete");
      break;
  }
}
