/**
 * Copies and directory work the storage controllers run off the event loop, so that stop
 * can wait for them before the data directory is removed.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  track<T>(work: Promise<T>): Promise<T> {
    const done: Promise<void> = work.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(done);
    void done.then(() => this.running.delete(done));
    return work;
  }

  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
