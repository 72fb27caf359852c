import { LifeboatError } from "../errors/index.js";

/**
 * Parses a CLI mapping flag, "a:b,c:d", into { a: "b", c: "d" }. Registry prefixes may carry a
 * port ("localhost:5000/x:registry.example/y"): a ':' followed by digits and '/' is read as a
 * port, any other ':' separates the pair. Throws INVALID_ARGUMENT naming `flag` and the bad pair
 * (empty side, no separator, more than one, or a source given twice). Empty text gives {}.
 */
export function parseMappingFlag(text: string, flag: string): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const raw of text.split(",")) {
    const pair = raw.trim();
    if (pair === "") continue;
    const colons = [...pair.matchAll(/:/g)].map((m) => m.index);
    // With one ':' there is nothing to choose; otherwise a ':' before a port number is not a separator.
    const separators = colons.length === 1 ? colons : colons.filter((i) => !/^\d+(\/|$)/.test(pair.slice(i + 1)));
    if (separators.length !== 1) {
      throw invalid(flag, pair, separators.length === 0 ? "has no ':' between source and target" : "has more than one ':' that could separate source and target");
    }
    const at = separators[0]!;
    const from = pair.slice(0, at).trim();
    const to = pair.slice(at + 1).trim();
    if (from === "" || to === "") throw invalid(flag, pair, "has an empty side");
    if (Object.hasOwn(mapping, from)) throw invalid(flag, pair, `maps "${from}" a second time`);
    mapping[from] = to;
  }
  return mapping;
}

function invalid(flag: string, pair: string, problem: string): LifeboatError {
  return new LifeboatError("INVALID_ARGUMENT", `${flag}: "${pair}" ${problem}; use source:target pairs separated by commas, e.g. "a:b,c:d"`, {
    field: flag,
    value: pair,
  });
}
