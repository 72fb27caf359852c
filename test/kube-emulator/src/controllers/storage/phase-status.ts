import type { JsonObject, KubeObject } from "../../api-types.js";
import { now } from "../../api/object-meta.js";
import type { ControllerContext } from "../controller.js";
import type { EventType } from "../events.js";
import { volumeCapacity } from "./claim-matching.js";
import { compareQuantities } from "./quantity.js";
import { claimsKey, volumesKey } from "./storage-names.js";

// How claims and volumes report their phase, as the persistent volume controller writes it.

export const component = "persistentvolume-controller";

export const specOf = (obj: KubeObject): JsonObject => (obj.spec as JsonObject | undefined) ?? {};
export const statusOf = (obj: KubeObject): JsonObject => (obj.status as JsonObject | undefined) ?? {};
export const phaseOf = (obj: KubeObject): string | undefined => statusOf(obj).phase as string | undefined;

/** Sets a claim's phase, and its accessModes and capacity from the volume it binds (cleared without one). */
export function updateClaimStatus(ctx: ControllerContext, claim: KubeObject, phase: string, volume?: KubeObject): KubeObject {
  const current = statusOf(claim);
  const status: JsonObject = { ...current };
  let dirty = false;
  if (current.phase !== phase) {
    status.phase = phase;
    dirty = true;
  }
  if (!volume) {
    for (const field of ["accessModes", "capacity"]) {
      if (status[field] !== undefined) {
        delete status[field];
        dirty = true;
      }
    }
  } else {
    const modes = specOf(volume).accessModes ?? [];
    if (JSON.stringify(current.accessModes ?? []) !== JSON.stringify(modes)) {
      status.accessModes = modes;
      dirty = true;
    }
    // Capacity is set as the claim becomes Bound, not later: a resized filesystem may differ on purpose.
    if (current.phase !== phase) {
      const claimCapacity = (current.capacity as JsonObject | undefined)?.storage;
      if (claimCapacity === undefined || compareQuantities(volumeCapacity(volume), String(claimCapacity)) !== 0) {
        status.capacity = (specOf(volume).capacity as JsonObject | undefined) ?? {};
        dirty = true;
      }
    }
  }
  return dirty ? ctx.client.updateStatus(claimsKey, { ...claim, status }) : claim;
}

/** A claim's new phase with a Warning event about it; nothing when the phase is already that. */
export function updateClaimStatusWithEvent(ctx: ControllerContext, claim: KubeObject, phase: string, reason: string, message: string): void {
  if (phaseOf(claim) === phase) return;
  const updated = updateClaimStatus(ctx, claim, phase);
  ctx.events.record(component, updated, "Warning", reason, message);
}

/** Sets a volume's phase and message (and, from 1.29, lastPhaseTransitionTime). */
export function updateVolumePhase(ctx: ControllerContext, volume: KubeObject, phase: string, message?: string): KubeObject {
  if (phaseOf(volume) === phase) return volume;
  const status: JsonObject = { ...statusOf(volume), phase };
  if (message) status.message = message;
  else delete status.message;
  if (ctx.service.minor >= 29) status.lastPhaseTransitionTime = now();
  return ctx.client.updateStatus(volumesKey, { ...volume, status });
}

/** A volume's new phase with an event about it; nothing when the phase is already that. */
export function updateVolumePhaseWithEvent(ctx: ControllerContext, volume: KubeObject, phase: string, type: EventType, reason: string, message: string): void {
  if (phaseOf(volume) === phase) return;
  const updated = updateVolumePhase(ctx, volume, phase, message);
  ctx.events.record(component, updated, type, reason, message);
}
