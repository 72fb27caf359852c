// Option parsing every benchmark shares: a bad option prints the usage and exits 2, --help exits 0.
import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function failWithUsage(message: string, usage: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

export function parseBenchArguments<const T extends Options>(options: T, usage: string): ReturnType<typeof parseArgs<{ options: T }>>["values"] {
  let values: ReturnType<typeof parseArgs<{ options: T }>>["values"];
  try {
    values = parseArgs({ options }).values;
  } catch (err) {
    failWithUsage((err as Error).message, usage);
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}

/** `--name`'s value as a positive integer ("100_000" allowed); a bad value prints the usage and exits 2. */
export function positiveInteger(name: string, text: string, usage: string): number {
  const n = Number(text.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 1) failWithUsage(`--${name} must be a positive integer, got "${text}"`, usage);
  return n;
}
