/**
 * Container logs. The emulator's containers run no main process, so a container's log is
 * what the commands exec'd in it printed, stdout and stderr in the order they came. Like
 * the kubelet's CRI log files, it is kept as lines with a timestamp each, and only the
 * newest `maxBytes` of each container (the kubelet rotates at containerLogMaxSize).
 */

export type LogStream = "stdout" | "stderr";

export interface LogLine {
  /** Nanoseconds since the epoch. */
  timeNs: bigint;
  stream: LogStream;
  /** The line with its newline, or a last partial line without one. */
  data: Buffer;
}

export interface LogQuery {
  tailLines?: number;
  /** Only lines written at or after this time (ms since the epoch). */
  sinceMs?: number;
}

export interface LogFollower {
  line(line: LogLine): void;
  /** The log is gone (its pod was deleted). */
  end(): void;
}

class ContainerLog {
  private lines: LogLine[] = [];
  private start = 0;
  private bytes = 0;
  readonly followers = new Set<LogFollower>();

  constructor(private readonly maxBytes: number) {}

  append(line: LogLine): void {
    this.lines.push(line);
    this.bytes += line.data.length;
    while (this.bytes > this.maxBytes && this.start < this.lines.length - 1) {
      this.bytes -= this.lines[this.start]!.data.length;
      this.start++;
    }
    if (this.start > 1024 && this.start * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.start);
      this.start = 0;
    }
    for (const f of this.followers) f.line(line);
  }

  select(query: LogQuery): LogLine[] {
    let kept = this.lines.slice(this.start);
    if (query.sinceMs !== undefined) {
      const since = BigInt(Math.floor(query.sinceMs)) * 1_000_000n;
      kept = kept.filter((l) => l.timeNs >= since);
    }
    if (query.tailLines !== undefined) kept = query.tailLines === 0 ? [] : kept.slice(-query.tailLines);
    return kept;
  }
}

/** Splits one stream of an exec'd command into log lines. */
export interface LineWriter {
  write(chunk: Buffer): void;
  /** Records a last line that had no newline. */
  end(): void;
}

export class LogBook {
  /** pod uid -> container name -> log */
  private readonly pods = new Map<string, Map<string, ContainerLog>>();

  constructor(private readonly maxBytes = 1 << 20) {}

  writer(podUid: string, container: string, stream: LogStream): LineWriter {
    let pending: Buffer[] = [];
    const emit = (data: Buffer): void => this.containerLog(podUid, container).append({ timeNs: nowNs(), stream, data });
    return {
      write: (chunk) => {
        let from = 0;
        for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, from)) {
          emit(Buffer.concat([...pending, chunk.subarray(from, nl + 1)]));
          pending = [];
          from = nl + 1;
        }
        if (from < chunk.length) pending.push(Buffer.from(chunk.subarray(from)));
      },
      end: () => {
        if (pending.length > 0) emit(Buffer.concat(pending));
        pending = [];
      },
    };
  }

  read(podUid: string, container: string, query: LogQuery = {}): LogLine[] {
    return this.pods.get(podUid)?.get(container)?.select(query) ?? [];
  }

  /** Calls `follower.line` for each line written from now on; returns the unsubscribe. */
  follow(podUid: string, container: string, follower: LogFollower): () => void {
    const log = this.containerLog(podUid, container);
    log.followers.add(follower);
    return () => log.followers.delete(follower);
  }

  /** Drops a deleted pod's logs and ends whoever follows them. */
  forgetPod(podUid: string): void {
    const logs = this.pods.get(podUid);
    if (!logs) return;
    this.pods.delete(podUid);
    for (const log of logs.values()) for (const f of log.followers) f.end();
  }

  private containerLog(podUid: string, container: string): ContainerLog {
    let logs = this.pods.get(podUid);
    if (!logs) this.pods.set(podUid, (logs = new Map()));
    let log = logs.get(container);
    if (!log) logs.set(container, (log = new ContainerLog(this.maxBytes)));
    return log;
  }
}

function nowNs(): bigint {
  // Date.now() is only milliseconds; hrtime's sub-millisecond part gives the kubelet's nine digits.
  return BigInt(Date.now()) * 1_000_000n + BigInt(process.hrtime()[1] % 1_000_000);
}

/** Go's time.RFC3339Nano in UTC: trailing zeros of the fraction dropped, as the kubelet prints it. */
export function formatRfc3339Nano(timeNs: bigint): string {
  const ms = Number(timeNs / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const fraction = String(timeNs % 1_000_000_000n).padStart(9, "0").replace(/0+$/, "");
  return `${base}${fraction ? `.${fraction}` : ""}Z`;
}

/** One line as `kubectl logs` shows it, with `--timestamps` the time first. */
export function renderLine(line: LogLine, timestamps: boolean): Buffer {
  return timestamps ? Buffer.concat([Buffer.from(`${formatRfc3339Nano(line.timeNs)} `), line.data]) : line.data;
}
