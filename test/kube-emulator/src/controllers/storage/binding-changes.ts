// The objects binding changes: a volume's claimRef, a claim's volumeName and the binder's
// annotations, as pure functions (the binder writes what they return when it differs).
import type { KubeObject } from "../../api-types.js";
import { claimRefOf, isVolumeBoundToClaim, referenceTo } from "./claim-matching.js";
import { specOf } from "./phase-status.js";
import { annBindCompleted, annBoundByController } from "./storage-names.js";

export const hasAnnotation = (obj: KubeObject, name: string): boolean => obj.metadata.annotations?.[name] !== undefined;
export const volumeNameOf = (claim: KubeObject): string => (typeof specOf(claim).volumeName === "string" ? (specOf(claim).volumeName as string) : "");

/** bindVolumeToClaim: `volume` with its claimRef on `claim`; `volume` itself when nothing changes. */
export function volumeBoundTo(volume: KubeObject, claim: KubeObject): KubeObject {
  const ref = claimRefOf(volume);
  const setBoundByController = !isVolumeBoundToClaim(volume, claim);
  let next = volume;
  if (!ref || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace || ref.uid !== claim.metadata.uid) {
    next = { ...next, spec: { ...specOf(next), claimRef: referenceTo(claim) } };
  }
  if (setBoundByController && !hasAnnotation(next, annBoundByController)) {
    next = { ...next, metadata: { ...next.metadata, annotations: { ...next.metadata.annotations, [annBoundByController]: "yes" } } };
  }
  return next;
}

/** bindClaimToVolume: `claim` with volumeName and bind-completed; `claim` itself when nothing changes. */
export function claimBoundTo(claim: KubeObject, volume: KubeObject): KubeObject {
  const annotations = { ...claim.metadata.annotations };
  let spec = specOf(claim);
  let dirty = false;
  if (volumeNameOf(claim) !== volume.metadata.name) {
    spec = { ...spec, volumeName: volume.metadata.name ?? "" };
    annotations[annBoundByController] ??= "yes";
    dirty = true;
  }
  if (annotations[annBindCompleted] === undefined) {
    annotations[annBindCompleted] = "yes";
    dirty = true;
  }
  return dirty ? { ...claim, metadata: { ...claim.metadata, annotations }, spec } : claim;
}

/** unbindVolume: a controller binding is undone entirely; a user's pre-binding keeps its name and loses the uid. */
export function volumeUnbound(volume: KubeObject): KubeObject {
  if (hasAnnotation(volume, annBoundByController)) {
    const { claimRef: _dropped, ...spec } = specOf(volume);
    const { [annBoundByController]: _ann, ...annotations } = volume.metadata.annotations ?? {};
    const metadata = { ...volume.metadata, annotations };
    if (Object.keys(annotations).length === 0) delete (metadata as Partial<typeof metadata>).annotations;
    return { ...volume, metadata, spec };
  }
  const { uid: _uid, ...ref } = claimRefOf(volume) ?? {};
  return { ...volume, spec: { ...specOf(volume), claimRef: ref } };
}
