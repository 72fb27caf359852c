import { asRecord, type SanitizeRule } from "../sanitize-rule.js";

// A Job's generated selector and pod labels carry the source Job's uid; the API server generates
// them anew from the target's uid and rejects a Job whose selector names another uid (unless
// spec.manualSelector). Velero drops them for the same reason. 1.27 added the prefixed labels.
const CONTROLLER_UID_LABELS = ["controller-uid", "batch.kubernetes.io/controller-uid"];

export const dropJobControllerUid: SanitizeRule = {
  name: "drops a Job's generated controller-uid selector and labels",
  apply(object) {
    const spec = asRecord(object.spec);
    if (object.kind !== "Job" || !object.apiVersion.startsWith("batch/") || !spec || spec.manualSelector === true) return;
    const selector = asRecord(spec.selector);
    const matchLabels = asRecord(selector?.matchLabels);
    if (selector && matchLabels) {
      for (const label of CONTROLLER_UID_LABELS) delete matchLabels[label];
      if (Object.keys(matchLabels).length === 0) delete selector.matchLabels;
      if (Object.keys(selector).length === 0) delete spec.selector;
    }
    const templateLabels = asRecord(asRecord(asRecord(spec.template)?.metadata)?.labels);
    for (const label of CONTROLLER_UID_LABELS) if (templateLabels) delete templateLabels[label];
  },
};
