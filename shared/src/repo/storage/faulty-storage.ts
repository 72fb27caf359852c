import { LifeboatError } from "../../errors/index.js";
import type { BlobInfo, BlobStorage, PutOptions } from "./blob-storage.js";

export type StorageOperation = "put" | "get" | "getRange" | "head" | "list" | "delete";

/** One injected fault. Calls are counted per fault among those it matches. */
export interface Fault {
  operation: StorageOperation;
  /** Only calls on names (for list: prefixes) this accepts count and fail. Default: all. */
  matches?: (name: string) => boolean;
  /** Let this many matching calls through before failing. Default 0: the first one fails. */
  after?: number;
  /** Fail this many matching calls, then step aside. Default 1; Infinity fails for good. */
  times?: number;
  /** Thrown instead of the call's result. Default: a retryable UNAVAILABLE LifeboatError. */
  error?: (name: string) => Error;
  /** put only: write the blob, then throw anyway, as when the acknowledgement is lost. */
  afterWrite?: boolean;
  /** get/getRange only: return just the first `truncateTo` bytes instead of throwing. */
  truncateTo?: number;
}

interface ActiveFault extends Fault {
  seen: number;
  fired: number;
}

/**
 * Wraps a real storage and makes chosen calls fail, for testing the layers above:
 * `faulty.inject({ operation: "put", matches: (n) => n.startsWith("packs/"), after: 3 })`.
 */
export class FaultyStorage implements BlobStorage {
  readonly description: string;
  private readonly faults: ActiveFault[] = [];
  private readonly counts = new Map<StorageOperation, number>();

  constructor(private readonly inner: BlobStorage) {
    this.description = inner.description;
  }

  inject(fault: Fault): this {
    this.faults.push({ ...fault, seen: 0, fired: 0 });
    return this;
  }

  /** Removes every fault not yet used up. */
  clear(): void {
    this.faults.length = 0;
  }

  /** How many calls of `operation` were made, failed or not. */
  calls(operation: StorageOperation): number {
    return this.counts.get(operation) ?? 0;
  }

  /** How many times injected faults fired in all. */
  get fired(): number {
    return this.faults.reduce((sum, fault) => sum + fault.fired, 0);
  }

  async put(name: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    const fault = this.take("put", name);
    if (fault && !fault.afterWrite) throw this.errorFor(fault, name);
    await this.inner.put(name, data, options);
    if (fault) throw this.errorFor(fault, name);
  }

  async get(name: string): Promise<Uint8Array> {
    const fault = this.take("get", name);
    if (fault && fault.truncateTo === undefined) throw this.errorFor(fault, name);
    const bytes = await this.inner.get(name);
    return fault?.truncateTo === undefined ? bytes : bytes.subarray(0, fault.truncateTo);
  }

  async getRange(name: string, offset: number, length: number): Promise<Uint8Array> {
    const fault = this.take("getRange", name);
    if (fault && fault.truncateTo === undefined) throw this.errorFor(fault, name);
    const bytes = await this.inner.getRange(name, offset, length);
    return fault?.truncateTo === undefined ? bytes : bytes.subarray(0, fault.truncateTo);
  }

  async head(name: string): Promise<BlobInfo | undefined> {
    const fault = this.take("head", name);
    if (fault) throw this.errorFor(fault, name);
    return this.inner.head(name);
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    const fault = this.take("list", prefix);
    if (fault) throw this.errorFor(fault, prefix);
    yield* this.inner.list(prefix);
  }

  async delete(name: string): Promise<void> {
    const fault = this.take("delete", name);
    if (fault) throw this.errorFor(fault, name);
    await this.inner.delete(name);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Counts the call and returns the first fault that fires for it, if any. */
  private take(operation: StorageOperation, name: string): ActiveFault | undefined {
    this.counts.set(operation, this.calls(operation) + 1);
    let firing: ActiveFault | undefined;
    for (const fault of this.faults) {
      if (fault.operation !== operation || !(fault.matches?.(name) ?? true)) continue;
      fault.seen += 1;
      const armed = fault.seen > (fault.after ?? 0) && fault.fired < (fault.times ?? 1);
      if (armed && !firing) {
        fault.fired += 1;
        firing = fault;
      }
    }
    return firing;
  }

  private errorFor(fault: Fault, name: string): Error {
    if (fault.error) return fault.error(name);
    return new LifeboatError("UNAVAILABLE", `${this.description}: injected ${fault.operation} fault on blob "${name}"`, {
      field: "blob",
      value: name,
      retryable: true,
    });
  }
}
