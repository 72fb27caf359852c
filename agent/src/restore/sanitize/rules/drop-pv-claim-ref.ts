import { asRecord, deleteAnnotations, isCore, type SanitizeRule } from "../sanitize-rule.js";

/**
 * A PersistentVolume's claimRef names the source's claim by uid: kept whole, the volume would
 * wait as Released for a claim uid the target never has. Only the claim's identity stays (kind,
 * namespace, name), without uid and resourceVersion, and so does the annotation saying the
 * controller bound it: the volume comes back Available and pre-bound, the way an administrator
 * pre-binds a volume, so the restored claim (namespace-mapped by the transform stage, its
 * volumeName dropped) binds to this volume and no other, and no empty volume is provisioned
 * in its place. Velero restores PVs the same way.
 */
export const dropPvClaimRef: SanitizeRule = {
  name: "drops a PersistentVolume's binding to the source's claim, keeping the claim it is for",
  apply(object) {
    const claimRef = asRecord(asRecord(object.spec)?.claimRef);
    if (!isCore(object, "PersistentVolume") || !claimRef) return;
    delete claimRef.uid;
    delete claimRef.resourceVersion;
    deleteAnnotations(object, ["pv.kubernetes.io/bound-by-controller"]);
  },
};
