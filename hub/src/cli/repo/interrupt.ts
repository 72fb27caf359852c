// Ctrl-C during a snapshot or restore stops the walk cleanly, so pending work is dropped and the
// writer lease released, rather than leaving a lease that blocks gc until it goes stale. A second
// signal exits at once with 130, for an operator who will not wait.

/** Runs `fn` with a signal that aborts on the first SIGINT or SIGTERM. */
export async function interruptible<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const exitNow = () => process.exit(130);
  const onSignal = (signal: NodeJS.Signals) => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.once("SIGINT", exitNow);
    process.once("SIGTERM", exitNow);
    controller.abort(new Error(`${what} interrupted by ${signal}: nothing was committed`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await fn(controller.signal);
  } catch (err) {
    // Layers below may wrap the abort in their own terms ("cannot read …"); the interruption is the news.
    throw controller.signal.aborted ? controller.signal.reason : err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", exitNow);
    process.off("SIGTERM", exitNow);
  }
}
