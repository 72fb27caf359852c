import { isLifeboatError } from "@lifeboat/shared";

/**
 * Whether a failed list or read should end the backup (so the hub retries it) rather than be
 * recorded as an error of one resource: the API server is unreachable or overloaded, or the task
 * was cancelled. A refusal of one resource (403 for a missing RBAC rule, 404 for an API that went
 * away) fails only that resource, as a backup of everything else is still worth having.
 */
export function endsBackup(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (!isLifeboatError(err)) return true;
  return err.retryable || err.code === "UNAUTHENTICATED";
}
