import { LifeboatError } from "../errors/index.js";

/**
 * Reads a patch or match value as Velero does, so documents written for Velero mean the same
 * here: Velero's `value` is a string that is sent as raw JSON when it reads as null, a boolean, a
 * number, an object or an array, and as a string otherwise; a value wrapped in double quotes
 * ("\"true\"") is the string inside. Values that YAML already typed (numbers, maps) are kept.
 */
export function readPatchValue(value: unknown, field: string): unknown {
  if (typeof value !== "string") return value;
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1);
  if (value === "null") return null;
  const lower = value.toLowerCase();
  if (lower === "true" || lower === "false") return lower === "true";
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value)) return Number(value);
  if (value.startsWith("{") || value.startsWith("[")) {
    try {
      return JSON.parse(value) as unknown;
    } catch (err) {
      throw new LifeboatError("INVALID_ARGUMENT", `resource_modifiers: ${field}: ${JSON.stringify(value)} starts like JSON but is not valid JSON (${(err as Error).message}); quote it as "\\"…\\"" to mean the string`, {
        field: `resource_modifiers: ${field}`,
        value,
        cause: err,
      });
    }
  }
  return value;
}
