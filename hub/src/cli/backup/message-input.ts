// Wire messages written by people (policy files, hook files): YAML in the proto JSON form, checked
// against the schema first so a mistake is reported at its path ("backup.mode"), which the
// protobuf decoder alone does not do.
import { fromJson, ScalarType, type DescEnum, type DescField, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { LifeboatError } from "@lifeboat/shared/errors";
import { parseDuration } from "../arguments.js";

/**
 * Decodes `value` (parsed from YAML or JSON) as a `schema` message. Beyond the proto JSON mapping
 * it accepts enum values by their short names (`DRY_RUN`, `dry-run`) and durations with units
 * (`720h` as well as `2592000s`). Throws INVALID_ARGUMENT `<source>: <path> …` naming the field
 * (its path in the document) and what would be valid.
 */
export function decodeMessage<Desc extends DescMessage>(schema: Desc, value: unknown, source: string, path = ""): MessageShape<Desc> {
  try {
    return fromJson(schema, normalizeMessage(schema, value, path));
  } catch (err) {
    const field = (err as { field?: string }).field;
    const message = (err as Error).message.replace(/^cannot decode /, "");
    throw new LifeboatError("INVALID_ARGUMENT", `${source}: ${message}`, { field: field || path || source, value: source, cause: err });
  }
}

/** The field a key names: its JSON name (`includedNamespaces`) or its proto name (`included_namespaces`). */
function findField(schema: DescMessage, key: string): DescField | undefined {
  return schema.fields.find((field) => field.jsonName === key || field.name === key);
}

function problem(path: string, value: unknown, reason: string): LifeboatError {
  return new LifeboatError("INVALID_ARGUMENT", `${path || "the document"} ${JSON.stringify(value)} is invalid: ${reason}`, { field: path });
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function normalizeMessage(schema: DescMessage, value: unknown, path: string): JsonValue {
  if (value === null || value === undefined) return null;
  if (schema.typeName === "google.protobuf.Duration") return normalizeDuration(value, path);
  // Other well-known types (timestamps) keep their own JSON forms.
  if (schema.typeName.startsWith("google.protobuf.")) return value as JsonValue;
  if (typeof value !== "object" || Array.isArray(value)) throw problem(path, value, `expected a mapping of ${schema.name} fields`);
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const field = findField(schema, key);
    const at = join(path, key);
    if (!field) {
      throw new LifeboatError("INVALID_ARGUMENT", `${at} is not a field of ${schema.name}: expected one of ${schema.fields.map((f) => f.jsonName).join(", ")}`, {
        field: at,
      });
    }
    out[field.jsonName] = normalizeField(field, item, at);
  }
  return out;
}

function normalizeField(field: DescField, value: unknown, path: string): JsonValue {
  if (value === null || value === undefined) return null;
  switch (field.fieldKind) {
    case "scalar":
      return normalizeScalar(field.scalar, value, path);
    case "enum":
      return normalizeEnum(field.enum, value, path);
    case "message":
      return normalizeMessage(field.message, value, path);
    case "list": {
      if (!Array.isArray(value)) throw problem(path, value, "expected a list");
      return value.map((item, i) => {
        const at = `${path}[${i}]`;
        if (field.listKind === "message") return normalizeMessage(field.message, item, at);
        if (field.listKind === "enum") return normalizeEnum(field.enum, item, at);
        return normalizeScalar(field.scalar, item, at);
      });
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) throw problem(path, value, "expected a mapping");
      const out: Record<string, JsonValue> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const at = `${path}.${key}`;
        if (field.mapKind === "message") out[key] = normalizeMessage(field.message, item, at);
        else if (field.mapKind === "enum") out[key] = normalizeEnum(field.enum, item, at);
        else out[key] = normalizeScalar(field.scalar, item, at);
      }
      return out;
    }
  }
}

function normalizeScalar(type: ScalarType, value: unknown, path: string): JsonValue {
  switch (type) {
    case ScalarType.STRING:
      // YAML reads `build: 42` or `debug: true` as a number or a boolean; a string field takes them as written.
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      if (typeof value !== "string") throw problem(path, value, "expected a string");
      return value;
    case ScalarType.BOOL:
      if (typeof value !== "boolean") throw problem(path, value, "expected true or false");
      return value;
    case ScalarType.BYTES:
      if (typeof value !== "string") throw problem(path, value, "expected base64 text");
      return value;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      if (typeof value !== "number") throw problem(path, value, "expected a number");
      return value;
    default:
      return normalizeInteger(type, value, path);
  }
}

// Ranges of the integer types the decoder would refuse, checked here so the error names the path.
const INTEGER_RANGES: Partial<Record<ScalarType, [bigint, bigint]>> = {
  [ScalarType.UINT32]: [0n, 4294967295n],
  [ScalarType.FIXED32]: [0n, 4294967295n],
  [ScalarType.INT32]: [-2147483648n, 2147483647n],
  [ScalarType.SINT32]: [-2147483648n, 2147483647n],
  [ScalarType.SFIXED32]: [-2147483648n, 2147483647n],
  [ScalarType.UINT64]: [0n, 18446744073709551615n],
  [ScalarType.FIXED64]: [0n, 18446744073709551615n],
};

function normalizeInteger(type: ScalarType, value: unknown, path: string): JsonValue {
  const whole = (typeof value === "number" && Number.isSafeInteger(value)) || (typeof value === "string" && /^-?\d+$/.test(value));
  if (!whole) throw problem(path, value, "expected a whole number");
  const range = INTEGER_RANGES[type];
  const n = BigInt(value as number | string);
  if (range && (n < range[0] || n > range[1])) throw problem(path, value, `expected a whole number from ${range[0]} to ${range[1]}`);
  return value as number | string;
}

function enumChoices(schema: DescEnum): string[] {
  return schema.values.filter((v) => v.number !== 0).map((v) => v.localName);
}

function normalizeEnum(schema: DescEnum, value: unknown, path: string): JsonValue {
  if (typeof value === "number" && schema.values.some((v) => v.number === value)) return value;
  if (typeof value === "string") {
    const wanted = value.trim().toUpperCase().replace(/-/g, "_");
    const found = schema.values.find((v) => v.name === wanted || (v.number !== 0 && v.localName === wanted));
    if (found) return found.name;
  }
  throw problem(path, value, `expected one of ${enumChoices(schema).join(", ")}`);
}

// Proto JSON spells durations as seconds ("2592000s"); people write "720h" or "30d".
function normalizeDuration(value: unknown, path: string): JsonValue {
  if (typeof value !== "string") throw problem(path, value, "expected a duration with a unit, such as 30s, 15m, 720h or 30d");
  if (/^\d+(\.\d{1,9})?s$/.test(value)) return value;
  const ms = parseDuration(path, value);
  return `${ms / 1000}s`;
}
