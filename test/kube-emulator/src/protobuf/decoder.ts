import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { JsonObject, JsonValue } from "../api-types.js";
import { type FieldSpec, type MessageSpec, specials } from "./schema.js";
import { decodeSpecial } from "./specials.js";
import { type DecodeContext, describePath, guard, malformed, readTag, skipUnknown } from "./wire.js";

/** Nesting deeper than this is refused; real objects stay far below it. */
const maxDepth = 64;

/** What one field collected while reading: a single value, a list, or map entries. */
type ListSlot = { list: JsonValue[] };
type MapSlot = { entries: [string, JsonValue][] };
type Slot = { value: JsonValue } | ListSlot | MapSlot;

/** Decodes one message into its Go JSON form. `path` is the JSON path, for warnings and errors. */
export function decodeMessage(ctx: DecodeContext, spec: MessageSpec, bytes: Uint8Array, path: string, depth = 0): JsonObject {
  if (depth > maxDepth) throw malformed(`${describePath(path)}: messages nested deeper than ${maxDepth} levels`);
  const reader = new BinaryReader(bytes);
  const slots = new Map<number, Slot>();
  while (reader.pos < reader.len) {
    const [number, wireType] = readTag(reader, path);
    const field = spec.fields.get(number);
    if (!field) {
      skipUnknown(ctx, reader, spec.name, number, wireType, path);
      continue;
    }
    const fieldPath = path === "" ? field.name : `${path}.${field.name}`;
    if (field.map) {
      const slot = slotOf<MapSlot>(slots, number, () => ({ entries: [] }));
      expectWire(field, wireType, WireType.LengthDelimited, fieldPath);
      slot.entries.push(decodeMapEntry(ctx, field, guard(() => reader.bytes(), fieldPath), fieldPath, depth));
    } else if (field.repeated) {
      const slot = slotOf<ListSlot>(slots, number, () => ({ list: [] }));
      const itemPath = `${fieldPath}[${slot.list.length}]`;
      if (wireType === WireType.LengthDelimited && isPackable(field.type)) {
        // Packed encoding of a repeated number: one length-delimited run of values.
        const packed = new BinaryReader(guard(() => reader.bytes(), itemPath));
        while (packed.pos < packed.len) slot.list.push(readScalar(packed, field.type, itemPath));
      } else {
        slot.list.push(readValue(ctx, field, reader, wireType, itemPath, depth));
      }
    } else {
      slots.set(number, { value: readValue(ctx, field, reader, wireType, fieldPath, depth) });
    }
  }
  return assemble(spec, slots);
}

function slotOf<T extends Slot>(slots: Map<number, Slot>, number: number, create: () => T): T {
  let slot = slots.get(number) as T | undefined;
  if (!slot) {
    slot = create();
    slots.set(number, slot);
  }
  return slot;
}

/** Builds the JSON object in schema order, applying omitempty, pointer and inline rules. */
function assemble(spec: MessageSpec, slots: Map<number, Slot>): JsonObject {
  const out: JsonObject = {};
  for (const field of spec.fields.values()) {
    const slot = slots.get(field.number);
    if (!slot) {
      // A nil slice, map or pointer whose JSON tag lacks omitempty marshals as null.
      if (field.nullable) out[field.name] = null;
      continue;
    }
    if ("list" in slot) {
      out[field.name] = slot.list;
    } else if ("entries" in slot) {
      out[field.name] = Object.fromEntries(slot.entries);
    } else if (field.inline && isObject(slot.value)) {
      Object.assign(out, slot.value);
    } else if (field.keep || !isZeroScalar(field, slot.value)) {
      out[field.name] = slot.value;
    }
  }
  return out;
}

function isZeroScalar(field: FieldSpec, value: JsonValue): boolean {
  switch (field.type) {
    case "string":
    case "bytes":
      return value === "";
    case "int32":
    case "int64":
    case "double":
      return value === 0;
    case "bool":
      return value === false;
    default:
      return false; // messages and specials are kept once present, as Go never omits a struct
  }
}

function isPackable(type: string): boolean {
  return type === "int32" || type === "int64" || type === "bool" || type === "double";
}

function wireTypeOf(type: string): WireType {
  if (type === "int32" || type === "int64" || type === "bool") return WireType.Varint;
  if (type === "double") return WireType.Bit64;
  return WireType.LengthDelimited;
}

function expectWire(field: FieldSpec, actual: WireType, expected: WireType, path: string): void {
  if (actual !== expected) {
    throw malformed(`${describePath(path)}: field ${field.number} has wire type ${actual}, expected ${expected}`);
  }
}

function readValue(ctx: DecodeContext, field: FieldSpec, reader: BinaryReader, wireType: WireType, path: string, depth: number): JsonValue {
  expectWire(field, wireType, wireTypeOf(field.type), path);
  return readTyped(ctx, field.type, reader, path, depth);
}

/** Reads one value of `type` whose wire type has already been checked. */
function readTyped(ctx: DecodeContext, type: string, reader: BinaryReader, path: string, depth: number): JsonValue {
  switch (type) {
    case "string":
    case "int32":
    case "int64":
    case "bool":
    case "double":
    case "bytes":
      return readScalar(reader, type, path);
  }
  const bytes = guard(() => reader.bytes(), path);
  return decodeSpecialOrMessage(ctx, type, bytes, path, depth + 1);
}

function readScalar(reader: BinaryReader, type: string, path: string): JsonValue {
  return guard(() => {
    switch (type) {
      case "string":
        return reader.string();
      case "int32":
        return reader.int32();
      case "int64":
        return Number(reader.int64());
      case "bool":
        return reader.bool();
      case "double":
        return reader.double();
      case "bytes":
        return Buffer.from(reader.bytes()).toString("base64");
      default:
        throw new Error(`no scalar type ${type}`);
    }
  }, path);
}

function decodeMapEntry(ctx: DecodeContext, field: FieldSpec, bytes: Uint8Array, path: string, depth: number): [string, JsonValue] {
  const reader = new BinaryReader(bytes);
  let key = "";
  let value: JsonValue | undefined;
  while (reader.pos < reader.len) {
    const [number, wireType] = readTag(reader, path);
    if (number === 1 && wireType === WireType.LengthDelimited) {
      key = guard(() => reader.string(), path);
    } else if (number === 2) {
      value = readValue(ctx, field, reader, wireType, `${path}[${JSON.stringify(key)}]`, depth);
    } else {
      skipUnknown(ctx, reader, "map entry", number, wireType, path);
    }
  }
  // An absent value is the type's zero value.
  return [key, value ?? zeroOf(ctx, field.type, `${path}[${JSON.stringify(key)}]`, depth)];
}

function zeroOf(ctx: DecodeContext, type: string, path: string, depth: number): JsonValue {
  switch (type) {
    case "string":
    case "bytes":
      return "";
    case "int32":
    case "int64":
    case "double":
      return 0;
    case "bool":
      return false;
  }
  return decodeSpecialOrMessage(ctx, type, new Uint8Array(0), path, depth + 1);
}

function decodeSpecialOrMessage(ctx: DecodeContext, type: string, bytes: Uint8Array, path: string, depth: number): JsonValue {
  if (specials.has(type)) return decodeSpecial(ctx, type, bytes, path, depth);
  return decodeMessage(ctx, ctx.schemas.message(type), bytes, path, depth);
}

function isObject(value: JsonValue): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
