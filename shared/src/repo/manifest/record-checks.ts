// Shape checks shared by the typed records. The same check guards both directions: INVALID_ARGUMENT
// for a record about to be written, CORRUPT for one read back (it was authenticated, so a bad
// shape there means a writer bug or a foreign version, and must not half-load).
import { LifeboatError } from "../../errors/index.js";
import type { ContentId } from "../content/index.js";
import { isRecordId } from "./record-names.js";

export type { ContentId };

const CONTENT_ID = /^[0-9a-f]{64}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

// Checked here rather than with the content layer's isContentId so reading records stays a
// type-only dependency on content/ (which loads the codecs); both test the same 64-hex shape.
export function isContentId(value: unknown): value is ContentId {
  return typeof value === "string" && CONTENT_ID.test(value);
}

export type Fields = Record<string, unknown>;

export class RecordChecker {
  constructor(
    private readonly code: "INVALID_ARGUMENT" | "CORRUPT",
    private readonly what: string,
  ) {}

  fail(field: string, value: unknown, valid: string): never {
    const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 100)) : Array.isArray(value) ? "an array" : typeof value;
    throw new LifeboatError(this.code, `${this.what}: field ${field} (${shown}) is not valid: expected ${valid}`, {
      field,
      value: typeof value === "string" ? value.slice(0, 100) : undefined,
    });
  }

  object(value: unknown, field: string): Fields {
    if (typeof value !== "object" || value === null || Array.isArray(value)) this.fail(field, value, "an object");
    return value as Fields;
  }

  array(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, value, "an array");
    return value as unknown[];
  }

  string(value: unknown, field: string, options: { empty?: boolean } = {}): string {
    if (typeof value !== "string" || (!options.empty && value.length === 0)) {
      this.fail(field, value, options.empty ? "a string" : "a non-empty string");
    }
    return value as string;
  }

  time(value: unknown, field: string): string {
    if (typeof value !== "string" || !ISO_TIME.test(value) || Number.isNaN(Date.parse(value))) {
      this.fail(field, value, "an ISO 8601 UTC time");
    }
    return value as string;
  }

  recordId(value: unknown, field: string): string {
    if (!isRecordId(value)) this.fail(field, value, "32 lowercase hex characters");
    return value as string;
  }

  contentId(value: unknown, field: string): ContentId {
    if (!isContentId(value)) this.fail(field, value, "a content id (64 lowercase hex characters)");
    return value as ContentId;
  }

  count(value: unknown, field: string): number {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) this.fail(field, value, "a non-negative integer");
    return value as number;
  }

  counts(value: unknown, field: string): Record<string, number> {
    const fields = this.object(value, field);
    for (const [key, n] of Object.entries(fields)) this.count(n, `${field}.${key}`);
    return fields as Record<string, number>;
  }

  strings(value: unknown, field: string): string[] {
    return this.array(value, field).map((s, i) => this.string(s, `${field}[${i}]`));
  }
}
