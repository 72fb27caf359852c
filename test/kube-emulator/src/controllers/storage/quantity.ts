/**
 * resource.Quantity values ("1Gi", "500M", "1.5e9", "100m") as exact fractions, so that
 * a claim's request and a volume's capacity compare the way Quantity.Cmp does, whatever
 * suffix each was written with (k8s.io/apimachinery/pkg/api/resource/quantity.go).
 */
export interface Quantity {
  numerator: bigint;
  denominator: bigint;
}

const binarySuffixes: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const decimalExponents: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const pattern = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** The quantity's exact value, or undefined when the text is not a Kubernetes quantity. */
export function parseQuantity(text: string): Quantity | undefined {
  const m = pattern.exec(text.trim());
  if (!m) return undefined;
  const [, sign, number, suffix = ""] = m;
  const [whole = "", fraction = ""] = number!.split(".");
  let numerator = BigInt((whole || "0") + fraction) * (sign === "-" ? -1n : 1n);
  let denominator = 10n ** BigInt(fraction.length);
  if (suffix in binarySuffixes) {
    numerator *= binarySuffixes[suffix]!;
  } else {
    const exponent = suffix in decimalExponents ? decimalExponents[suffix]! : Number(suffix.slice(1));
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  return { numerator, denominator };
}

/** -1, 0 or 1 as a is less than, equal to or greater than b; a missing or malformed quantity counts as zero, as an unset one does upstream. */
export function compareQuantities(a: string | undefined, b: string | undefined): number {
  const x = (a !== undefined && parseQuantity(a)) || { numerator: 0n, denominator: 1n };
  const y = (b !== undefined && parseQuantity(b)) || { numerator: 0n, denominator: 1n };
  const left = x.numerator * y.denominator;
  const right = y.numerator * x.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The quantity as whole bytes, rounded up as Quantity.Value rounds; undefined when malformed. */
export function quantityBytes(text: string): bigint | undefined {
  const q = parseQuantity(text);
  if (!q) return undefined;
  const bytes = q.numerator / q.denominator;
  return bytes * q.denominator < q.numerator ? bytes + 1n : bytes;
}

/**
 * A size in bytes as a CSI provisioner writes a volume's capacity: the request rounded up
 * to whole bytes (Quantity.Value) and printed as resource.NewQuantity(bytes, BinarySI)
 * prints, with the largest binary suffix that divides it exactly, else as plain bytes:
 * "1Gi" stays "1Gi", "2048Mi" becomes "2Gi", "1G" becomes "1000000000".
 */
export function canonicalBytes(text: string): string | undefined {
  let bytes = quantityBytes(text);
  if (bytes === undefined) return undefined;
  // Under 1 Ki the value is printed as DecimalSI instead (1000 is "1k").
  if (bytes > -1024n && bytes < 1024n) return bytes !== 0n && bytes % 1000n === 0n ? `${bytes / 1000n}k` : String(bytes);
  const suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
  let exponent = 0;
  while (exponent < suffixes.length - 1 && bytes % 1024n === 0n) {
    bytes /= 1024n;
    exponent++;
  }
  return `${bytes}${suffixes[exponent]}`;
}
