/**
 * The CronJob controller's clock, which runs `scale` times as fast as the wall clock from
 * the moment the controller starts (ControllerSettings.cronJobTimeScale): at 60 a schedule
 * minute passes each real second. Scale 1 is the wall clock itself; 0 stops time, so no
 * schedule ever comes due.
 */
export class CronClock {
  constructor(
    readonly scale: number,
    private readonly origin: number = Date.now(),
    private readonly wall: () => number = Date.now,
  ) {}

  get running(): boolean {
    return this.scale > 0;
  }

  /** The clock's time now, in ms since the epoch. */
  now(): number {
    return this.toClock(this.wall());
  }

  /** The clock's time at a wall-clock instant (a creationTimestamp, say). */
  toClock(wallMs: number): number {
    return this.origin + (wallMs - this.origin) * this.scale;
  }

  /** Wall-clock ms until the clock reaches `clockMs` (Infinity when time stands still). */
  wallDelayUntil(clockMs: number): number {
    if (!this.running) return Infinity;
    return Math.max(0, (clockMs - this.now()) / this.scale);
  }
}
