import type { SanitizeRule } from "../sanitize-rule.js";

/**
 * An owner reference survives only to an owner this restore also restores (the apply stage then
 * points it at the owner's new uid); one to anything else names a uid the target never had, and
 * the garbage collector would delete the object. A controller's reference goes too: the restored
 * controller adopts its pods and ReplicaSets by selector, and a pod restored before its
 * ReplicaSet must not be collected meanwhile.
 */
export const dropOwnerReferences: SanitizeRule = {
  name: "drops owner references to controllers and to objects not restored",
  apply(object, options) {
    const refs = object.metadata.ownerReferences;
    if (!refs) return;
    const kept = refs.filter((ref) => ref.controller !== true && options.isRestored(ref.uid));
    if (kept.length > 0) object.metadata.ownerReferences = kept;
    else delete object.metadata.ownerReferences;
  },
};
