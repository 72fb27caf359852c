// For unit tests: the StatusError a call throws, so a test can assert on the code, reason and
// message the emulator would answer. Deliberately free of vitest, so that the package's own
// build (which compiles everything under src/ but the tests) does not depend on it.
import { StatusError } from "../http/status-error.js";

/** Calls `fn` and returns the StatusError it throws; any other error is rethrown, and returning normally is an error too. */
export function statusErrorOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error("expected a StatusError");
}
