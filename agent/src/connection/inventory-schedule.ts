import type { Inventory } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { Logger } from "pino";

/**
 * Sends an inventory unasked every interval while a stream lasts (0: never unasked). Not at
 * connect: the hub queues an inventory task whenever an agent connects, which shows in the task
 * list, so one sent here too would collect the cluster twice. One collection at a time; stop()
 * abandons one in flight.
 */
export class InventorySchedule {
  private timer: NodeJS.Timeout | undefined;
  private collecting: AbortController | undefined;
  private intervalMs = 0;
  private isRunning = false;

  constructor(
    private readonly collect: (signal: AbortSignal) => Promise<Inventory>,
    private readonly send: (inventory: Inventory) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Collects and sends every `intervalMs`, the first time one interval from now. */
  start(intervalMs: number): void {
    this.stop();
    this.isRunning = true;
    this.intervalMs = intervalMs;
    this.scheduleNext();
  }

  /** A new interval, counted from now; no collection now. */
  setInterval(intervalMs: number): void {
    if (!this.isRunning || intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    if (!this.collecting) this.scheduleNext();
  }

  stop(): void {
    this.isRunning = false;
    clearTimeout(this.timer);
    this.collecting?.abort(new LifeboatError("UNAVAILABLE", "the stream to the hub ended", { retryable: true }));
    this.collecting = undefined;
  }

  private async runOnce(): Promise<void> {
    const controller = new AbortController();
    this.collecting = controller;
    try {
      const inventory = await this.collect(controller.signal);
      if (!controller.signal.aborted) await this.send(inventory);
    } catch (err) {
      if (!controller.signal.aborted) this.logger.warn({ err }, "collecting the cluster's inventory failed; trying again at the next interval");
    } finally {
      if (this.collecting === controller) {
        this.collecting = undefined;
        this.scheduleNext();
      }
    }
  }

  private scheduleNext(): void {
    clearTimeout(this.timer);
    if (this.isRunning && this.intervalMs > 0) this.timer = setTimeout(() => void this.runOnce(), this.intervalMs);
  }
}
