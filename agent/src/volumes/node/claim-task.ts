// Which objects this node agent takes, and taking one: an object nobody started, or one left
// InProgress by another node agent process (it died mid-copy: the status outlives it). The
// attempt count stops a copy that kills its node agent every time (out of memory, say) from
// being retried forever.
import { MAX_ATTEMPTS, type VolumeTaskStatus } from "../contract.js";

export type ClaimDecision =
  | { action: "take"; attempt: number }
  | { action: "give-up"; message: string }
  | { action: "leave" };

/** What to do with an object whose status is `status`, seen by node agent `self`. */
export function decideClaim(status: VolumeTaskStatus<unknown> | undefined, self: string): ClaimDecision {
  const phase = status?.phase ?? "";
  const attempt = status?.attempt ?? 0;
  if (phase === "") return attempt >= MAX_ATTEMPTS ? giveUp(attempt) : { action: "take", attempt: attempt + 1 };
  if (phase === "InProgress" && status?.nodeAgent !== self) return attempt >= MAX_ATTEMPTS ? giveUp(attempt) : { action: "take", attempt: attempt + 1 };
  return { action: "leave" };
}

function giveUp(attempts: number): ClaimDecision {
  return {
    action: "give-up",
    message: `the copy was interrupted ${attempts} times (its node agent stopped or died each time); not trying again: look for node agent restarts, e.g. out of memory`,
  };
}

/** The status patch that takes an object for attempt `attempt`. */
export function claimPatch(self: string, attempt: number, resourceVersion: string | undefined): object {
  return {
    // A real API server refuses the patch when the object changed since it was listed, so two
    // node agents cannot both take it.
    ...(resourceVersion ? { metadata: { resourceVersion } } : {}),
    status: { phase: "InProgress", nodeAgent: self, attempt, message: null, result: null, progress: null },
  };
}
