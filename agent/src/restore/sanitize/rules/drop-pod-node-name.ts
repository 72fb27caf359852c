import { asRecord, isCore, type SanitizeRule } from "../sanitize-rule.js";

// A pod with nodeName skips the scheduler and waits for a node of that name, which the target
// most likely lacks.
export const dropPodNodeName: SanitizeRule = {
  name: "drops a Pod's nodeName so the target schedules it",
  apply(object) {
    const spec = asRecord(object.spec);
    if (isCore(object, "Pod") && spec) delete spec.nodeName;
  },
};
