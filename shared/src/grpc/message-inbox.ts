/** What an inbox needs from the stream it reads: a way to stop and restart the flow. */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

export interface InboxOptions {
  /** Messages buffered before the source is paused; default 16. */
  highWaterMark?: number;
  /** Called once when the consumer stops early (`break` out of `for await`, or `return()`). */
  onReturn?: () => void;
}

/**
 * Messages pushed by a grpc-js stream's events, handed to one consumer as an async iterable, in
 * order. The source is paused while `highWaterMark` messages wait, so a slow consumer slows the
 * sender through HTTP/2 flow control instead of filling memory. `close()` ends the iteration after
 * the buffered messages; `close(error)` throws `error` after them.
 */
export class MessageInbox<T> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private waiter: { resolve: (result: IteratorResult<T>) => void; reject: (err: unknown) => void } | undefined;
  private isClosed = false;
  private isReturned = false;
  private isIterated = false;
  private isPaused = false;
  private failure: { error: unknown } | undefined;
  private readonly highWaterMark: number;

  constructor(
    private readonly flow: FlowControl,
    private readonly options: InboxOptions = {},
  ) {
    this.highWaterMark = options.highWaterMark ?? 16;
  }

  /** True once the consumer stopped early or the source ended. */
  get closed(): boolean {
    return this.isClosed;
  }

  push(message: T): void {
    if (this.isClosed) return;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve({ value: message, done: false });
      return;
    }
    this.buffered.push(message);
    if (!this.isPaused && this.buffered.length >= this.highWaterMark) {
      this.isPaused = true;
      this.flow.pause();
    }
  }

  /** No more messages: the iteration ends after the buffered ones, by throwing `error` if given. */
  close(error?: unknown): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (error !== undefined) this.failure = { error };
    if (this.waiter && this.buffered.length === 0) {
      const waiter = this.waiter;
      this.waiter = undefined;
      this.settleClosed(waiter);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.isIterated) throw new Error("a message stream can be iterated only once");
    this.isIterated = true;
    return {
      next: () => this.next(),
      return: async () => {
        this.stop();
        return { value: undefined, done: true };
      },
    };
  }

  private next(): Promise<IteratorResult<T>> {
    if (this.isReturned) return Promise.resolve({ value: undefined, done: true });
    if (this.buffered.length > 0) {
      const value = this.buffered.shift() as T;
      if (this.isPaused && this.buffered.length <= this.highWaterMark / 2) {
        this.isPaused = false;
        this.flow.resume();
      }
      return Promise.resolve({ value, done: false });
    }
    return new Promise((resolve, reject) => {
      if (this.isClosed) this.settleClosed({ resolve, reject });
      else this.waiter = { resolve, reject };
    });
  }

  private settleClosed(waiter: { resolve: (result: IteratorResult<T>) => void; reject: (err: unknown) => void }): void {
    const failure = this.failure;
    // The error is thrown once; later calls see a finished iteration, as an async generator would.
    this.failure = undefined;
    this.isReturned = true;
    if (failure) waiter.reject(failure.error);
    else waiter.resolve({ value: undefined, done: true });
  }

  private stop(): void {
    if (this.isReturned) return;
    this.isReturned = true;
    const wasClosed = this.isClosed;
    this.isClosed = true;
    this.buffered.length = 0;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve({ value: undefined, done: true });
    }
    if (!wasClosed) this.options.onReturn?.();
  }
}
