import { asRecord, deleteAnnotations, isCore, type SanitizeRule } from "../sanitize-rule.js";

// The source's binding: the volume it was bound to, the binder's bookkeeping, the provisioner
// that made its volume and the node the scheduler picked. Kept, the claim would wait for a volume
// or node that the target lacks, or be treated as bound when it is not.
const BINDING_ANNOTATIONS = [
  "pv.kubernetes.io/bind-completed",
  "pv.kubernetes.io/bound-by-controller",
  "volume.beta.kubernetes.io/storage-provisioner",
  "volume.kubernetes.io/storage-provisioner",
  "volume.kubernetes.io/selected-node",
];

export const dropPvcBinding: SanitizeRule = {
  name: "drops a PersistentVolumeClaim's volumeName and binding annotations",
  apply(object) {
    const spec = asRecord(object.spec);
    if (!isCore(object, "PersistentVolumeClaim")) return;
    if (spec) delete spec.volumeName;
    deleteAnnotations(object, BINDING_ANNOTATIONS);
  },
};
