import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { JsonValue } from "../api-types.js";
import { type DecodeContext, describePath, guard, hasMagic, malformed, readTag, skipUnknown } from "./wire.js";

/**
 * Types whose JSON form is not that of their message: metav1.Time/MicroTime {1 seconds, 2 nanos},
 * resource.Quantity {1 string}, intstr.IntOrString {1 type, 2 intVal, 3 strVal},
 * runtime.RawExtension and metav1.FieldsV1 {1 raw}, and named string lists {1 repeated string}.
 */
export function decodeSpecial(ctx: DecodeContext, type: string, bytes: Uint8Array, path: string, depth: number): JsonValue {
  switch (type) {
    case "Time":
    case "MicroTime": {
      if (bytes.length === 0) return null; // a zero time.Time is written as an empty message
      const parts = readFields(ctx, type, bytes, path, { 1: "int64", 2: "int32" });
      return formatTime(Number(parts[1] ?? 0), Number(parts[2] ?? 0), type === "MicroTime", path);
    }
    case "Quantity": {
      const parts = readFields(ctx, type, bytes, path, { 1: "string" });
      return (parts[1] as string | undefined) || "0";
    }
    case "IntOrString": {
      const parts = readFields(ctx, type, bytes, path, { 1: "int64", 2: "int32", 3: "string" });
      return parts[1] === 1 ? ((parts[3] as string | undefined) ?? "") : ((parts[2] as number | undefined) ?? 0);
    }
    case "RawExtension":
    case "FieldsV1": {
      const parts = readFields(ctx, type, bytes, path, { 1: "raw" });
      return embedded(ctx, parts[1] as Uint8Array | undefined, path, depth);
    }
    case "StringList": {
      const reader = new BinaryReader(bytes);
      const items: JsonValue[] = [];
      while (reader.pos < reader.len) {
        const [number, wireType] = readTag(reader, path);
        if (number === 1 && wireType === WireType.LengthDelimited) items.push(guard(() => reader.string(), path));
        else skipUnknown(ctx, reader, type, number, wireType, path);
      }
      return items;
    }
    default:
      throw new Error(`protobuf schema: ${type} is not a special type`);
  }
}

type Layout = Record<number, "int64" | "int32" | "string" | "raw">;

/** Reads the fields of a small special message; anything else is skipped with a warning. */
function readFields(ctx: DecodeContext, type: string, bytes: Uint8Array, path: string, layout: Layout): Record<number, JsonValue | Uint8Array> {
  const reader = new BinaryReader(bytes);
  const out: Record<number, JsonValue | Uint8Array> = {};
  while (reader.pos < reader.len) {
    const [number, wireType] = readTag(reader, path);
    const kind = layout[number];
    const expected = kind === "int64" || kind === "int32" ? WireType.Varint : WireType.LengthDelimited;
    if (kind === undefined || wireType !== expected) {
      skipUnknown(ctx, reader, type, number, wireType, path);
      continue;
    }
    out[number] = guard(() => {
      if (kind === "raw") return reader.bytes();
      if (kind === "string") return reader.string();
      return kind === "int64" ? Number(reader.int64()) : reader.int32();
    }, path);
  }
  return out;
}

/** Go's metav1.Time (RFC 3339 in seconds, UTC) or MicroTime (six fractional digits) JSON form. */
export function formatTime(seconds: number, nanos: number, micro: boolean, path = ""): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw malformed(`${describePath(path)}: time ${seconds}s is out of range`);
  const base = date.toISOString().slice(0, 19); // 2024-01-02T03:04:05
  if (!micro) return `${base}Z`;
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z`;
}

/** An embedded object: JSON text, or a nested protobuf-encoded object with its own `k8s\0` framing. */
function embedded(ctx: DecodeContext, raw: Uint8Array | undefined, path: string, depth: number): JsonValue {
  if (raw === undefined || raw.length === 0) return null;
  if (hasMagic(raw)) return nestedDecoder(ctx, raw, path, depth);
  try {
    return JSON.parse(Buffer.from(raw).toString("utf8")) as JsonValue;
  } catch {
    throw malformed(`${describePath(path)}: embedded object is neither JSON nor Kubernetes protobuf`);
  }
}

type NestedDecoder = (ctx: DecodeContext, raw: Uint8Array, path: string, depth: number) => JsonValue;

/** Installed by the envelope module, which owns the `k8s\0` framing; this avoids an import cycle. */
let nestedDecoder: NestedDecoder = () => {
  throw malformed("nested protobuf objects are not supported");
};

export function setNestedDecoder(decoder: NestedDecoder): void {
  nestedDecoder = decoder;
}
