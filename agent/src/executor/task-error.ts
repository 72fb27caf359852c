import { create } from "@bufbuild/protobuf";
import { TaskErrorSchema, type TaskError } from "@lifeboat/proto";
import { isLifeboatError } from "@lifeboat/shared";

/**
 * The TaskError the hub records for a failed attempt. A LifeboatError keeps its code, message,
 * field, value and retryable flag. Anything else is INTERNAL without its text, which may hold
 * anything (a URL with credentials, a token); the caller logs the error itself.
 */
export function toTaskError(err: unknown, kind: string): TaskError {
  if (isLifeboatError(err)) {
    return create(TaskErrorSchema, {
      code: err.code,
      message: err.message,
      field: err.field ?? "",
      value: err.value ?? "",
      retryable: err.retryable,
    });
  }
  return create(TaskErrorSchema, {
    code: "INTERNAL",
    message: `unexpected error in the ${kind} task; the agent's log has the details`,
    retryable: false,
  });
}
