import { StatusError } from "../../http/status-error.js";

/**
 * Runs a controller's write, letting through the refusals it expects (a namespace being
 * terminated answers 403, an object already gone 404, one already there 409), as the real
 * controllers drop such items rather than retry them.
 */
export function ignoring(codes: number[], write: () => void): void {
  try {
    write();
  } catch (err) {
    if (!(err instanceof StatusError && codes.includes(err.code))) throw err;
  }
}
