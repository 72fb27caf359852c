// The error a call fails with, for assertions on its code and fields; throws if the call succeeds.
export async function failure(call: Promise<unknown>): Promise<Error & { code?: string; field?: string; value?: unknown; retryable?: boolean }> {
  try {
    await call;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the call to fail, and it succeeded");
}
