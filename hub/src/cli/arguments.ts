import { readFile } from "node:fs/promises";
import type { DescEnum } from "@bufbuild/protobuf";
import { LifeboatError } from "@lifeboat/shared/errors";
import parseDurationText from "parse-duration";
import { badOption } from "./errors.js";

/**
 * A duration such as `90s`, `15m`, `1h`, `90d` or `1h30m`, in ms. A unit is required: a bare
 * number is refused rather than guessed at. Throws INVALID_ARGUMENT naming `option`.
 */
export function parseDuration(option: string, text: string): number {
  const ms = /[a-z]/i.test(text) ? parseDurationText(text) : null;
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw badOption(option, text, "expected a positive duration with a unit, such as 90s, 15m, 1h or 90d");
  }
  return ms;
}

// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
const LABEL_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * `k=v,k2=v2` as labels, with Kubernetes label syntax: a key is an optional DNS-subdomain prefix
 * and `/`, then a name of at most 63 characters; a value is at most 63 characters, possibly empty.
 * Throws INVALID_ARGUMENT naming the bad label.
 */
export function parseLabels(option: string, text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(",").filter((part) => part.trim() !== "")) {
    const at = pair.indexOf("=");
    if (at < 0) throw badOption(option, pair, "expected key=value");
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    const slash = key.lastIndexOf("/");
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
      throw badOption(option, pair, `label key prefix ${JSON.stringify(prefix)} must be a DNS subdomain (lower-case letters, digits, '-' and '.')`);
    }
    if (!LABEL_NAME.test(name)) {
      throw badOption(option, pair, `label key ${JSON.stringify(key)} must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
    }
    if (!LABEL_VALUE.test(value)) {
      throw badOption(option, pair, `label value ${JSON.stringify(value)} must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
    }
    if (key in labels) throw badOption(option, pair, `label ${JSON.stringify(key)} is given twice`);
    labels[key] = value;
  }
  return labels;
}

/** An enum value by its short name, case-insensitive (`active` for REGISTRATION_TOKEN_STATE_ACTIVE). */
export function parseEnum(option: string, text: string, schema: DescEnum): number {
  const choices = schema.values.filter((value) => value.number !== 0);
  const found = choices.find((value) => value.localName.toLowerCase() === text.toLowerCase() || value.name === text);
  if (!found) throw badOption(option, text, `expected one of ${choices.map((value) => value.localName.toLowerCase()).join(", ")}`);
  return found.number;
}

/** An enum value's short name (ACTIVE), or "" for the unspecified zero value. */
export function enumName(schema: DescEnum, number: number): string {
  if (number === 0) return "";
  return schema.values.find((value) => value.number === number)?.localName ?? String(number);
}

/** A whole number of at least `min`, for counts such as --concurrency. */
export function parseCount(option: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw badOption(option, text, `expected a whole number of at least ${min}`);
  return value;
}

/** INVALID_ARGUMENT for a required value missing from options and environment. */
export function missing(option: string, how: string): LifeboatError {
  return new LifeboatError("INVALID_ARGUMENT", `${option} is required: ${how}`, { field: option });
}

/** A file named by an option, as text. INVALID_ARGUMENT when it does not exist, UNAVAILABLE when it cannot be read. */
export async function readOptionFile(option: string, path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LifeboatError(code === "ENOENT" ? "INVALID_ARGUMENT" : "UNAVAILABLE", `${option} ${path} cannot be read: ${code ?? (err as Error).message}`, {
      field: option,
      value: path,
      cause: err,
    });
  }
}
