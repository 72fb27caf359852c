import { Writable } from "node:stream";

/** Hook output kept per stream: the end of it, where a failing command says why. */
export const HOOK_OUTPUT_LIMIT = 4096;

/** A Writable that keeps only the last `limit` bytes written to it, so a chatty command costs no memory. */
export class OutputTail extends Writable {
  #kept = Buffer.alloc(0);
  #truncated = false;

  constructor(private readonly limit = HOOK_OUTPUT_LIMIT) {
    super();
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const joined = Buffer.concat([this.#kept, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)]);
    if (joined.length > this.limit) this.#truncated = true;
    this.#kept = joined.length > this.limit ? joined.subarray(joined.length - this.limit) : joined;
    done();
  }

  /** The kept bytes as text (a character cut in two at the start is dropped). */
  text(): string {
    const text = this.#kept.toString("utf8");
    return this.#truncated ? text.replace(/^\uFFFD+/, "") : text;
  }
}
