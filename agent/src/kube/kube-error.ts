import { ApiException } from "@kubernetes/client-node";
import { LifeboatError, isLifeboatError, type ErrorCode } from "@lifeboat/shared";

/**
 * The LifeboatError for a failed request to the API server, saying what the agent was doing
 * (`doing`, e.g. "listing namespaces"). HTTP answers map by status (401 UNAUTHENTICATED, 403
 * PERMISSION_DENIED: the agent's service account lacks a rule, 404 NOT_FOUND, 409 AlreadyExists
 * ALREADY_EXISTS, other 409s and 410 FAILED_PRECONDITION and retryable (a conflict), 429 and 5xx
 * UNAVAILABLE and retryable); no answer at all is UNAVAILABLE
 * and retryable. When `signal` has aborted, its reason is returned instead: the caller asked
 * for the failure.
 */
export function toKubeError(err: unknown, doing: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  if (isLifeboatError(err)) return err;
  if (err instanceof ApiException) {
    const status = parseStatus(err.body);
    // AlreadyExists and Conflict share 409, but one is an answer and the other worth a retry.
    const { code, retryable } = err.code === 409 && status?.reason === "AlreadyExists" ? { code: "ALREADY_EXISTS" as const, retryable: false } : codeForStatus(err.code);
    const detail = status?.message;
    return new LifeboatError(code, `${doing}: the API server answered ${err.code}${detail ? `: ${detail}` : ""}`, {
      retryable,
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new LifeboatError("UNAVAILABLE", `${doing}: the API server did not answer: ${message}`, { retryable: true, cause: err });
}

function codeForStatus(status: number): { code: ErrorCode; retryable: boolean } {
  if (status === 401) return { code: "UNAUTHENTICATED", retryable: false };
  if (status === 403) return { code: "PERMISSION_DENIED", retryable: false };
  if (status === 404) return { code: "NOT_FOUND", retryable: false };
  if (status === 409 || status === 410) return { code: "FAILED_PRECONDITION", retryable: true };
  if (status === 429 || status >= 500) return { code: "UNAVAILABLE", retryable: true };
  if (status === 400 || status === 422) return { code: "INVALID_ARGUMENT", retryable: false };
  return { code: "INTERNAL", retryable: false };
}

/** metav1.Status's reason and message from an error body, which client-node hands over as text or parsed. */
export function parseStatus(body: unknown): { reason?: string; message?: string } | undefined {
  let status = body;
  if (typeof body === "string") {
    try {
      status = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof status !== "object" || status === null) return undefined;
  const { reason, message } = status as { reason?: unknown; message?: unknown };
  return { reason: typeof reason === "string" ? reason : undefined, message: typeof message === "string" && message !== "" ? message : undefined };
}
