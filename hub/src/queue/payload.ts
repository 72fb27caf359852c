import { LifeboatError } from "@lifeboat/shared";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A task's spec or result: JSON (e.g. a proto message's JSON form) or raw bytes (its binary form). */
export type TaskPayload = JsonValue | Uint8Array;

// One-letter tag, then the body: "j" + JSON text, or "b" + base64. Stored as one hash field.
const JSON_TAG = "j";
const BYTES_TAG = "b";

/**
 * Encodes a payload for storage. Throws INVALID_ARGUMENT naming `field` when the value is
 * not JSON-serializable (undefined, a function, a BigInt, a cycle).
 */
export function encodePayload(value: TaskPayload, field: string): string {
  if (value instanceof Uint8Array) return BYTES_TAG + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} is not JSON-serializable: ${(err as Error).message}`, { field, cause: err });
  }
  if (text === undefined) {
    throw new LifeboatError("INVALID_ARGUMENT", `${field} is ${typeof value}; give a JSON value or bytes`, { field });
  }
  return JSON_TAG + text;
}

/** Reverses encodePayload. Throws CORRUPT on anything it did not write. */
export function decodePayload(stored: string): TaskPayload {
  const tag = stored.slice(0, 1);
  const body = stored.slice(1);
  if (tag === BYTES_TAG) return new Uint8Array(Buffer.from(body, "base64"));
  if (tag === JSON_TAG) {
    try {
      return JSON.parse(body) as JsonValue;
    } catch (err) {
      throw new LifeboatError("CORRUPT", `stored task payload is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  throw new LifeboatError("CORRUPT", `stored task payload has unknown tag ${JSON.stringify(tag)}`);
}
