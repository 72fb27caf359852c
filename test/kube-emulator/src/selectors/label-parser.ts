import { badRequest } from "../http/status-error.js";
import { requirementProblem, type LabelOperator, type LabelRequirement } from "./label-selector.js";
import { invalidValue, isQualifiedName } from "./validation.js";

/**
 * The label selector lexer and recursive-descent parser of
 * k8s.io/apimachinery/pkg/labels/selector.go, transcribed so that the same input
 * fails with the same message:
 *
 *   <selector>    ::= <requirement> | <requirement> "," <selector>
 *   <requirement> ::= [!] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 */

type Token = "eos" | "(" | ")" | "," | "!" | "==" | "=" | ">" | "<" | "!=" | "in" | "notin" | "id";

interface Item {
  tok: Token;
  lit: string;
}

const LITERALS: Record<string, Token> = {
  ")": ")",
  ",": ",",
  "!": "!",
  "==": "==",
  "=": "=",
  ">": ">",
  in: "in",
  "<": "<",
  "!=": "!=",
  notin: "notin",
  "(": "(",
};

const isWhitespace = (ch: string): boolean => ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
const isSpecial = (ch: string): boolean => "=!(),><".includes(ch);

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos] as string)) pos++;
    if (pos >= s.length) {
      items.push({ tok: "eos", lit: "" });
      return items;
    }
    if (isSpecial(s[pos] as string)) {
      // Longest operator: "!=" and "==" beat "!" and "="; "!(" is "!" then "(".
      let buffer = "";
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos] as string)) {
        buffer += s[pos];
        const tok = LITERALS[buffer];
        if (tok) last = { tok, lit: buffer };
        else if (last) break;
        pos++;
      }
      items.push(last as Item); // every single special character is an operator, so `last` is set
    } else {
      let buffer = "";
      while (pos < s.length && !isSpecial(s[pos] as string) && !isWhitespace(s[pos] as string)) buffer += s[pos++];
      items.push({ tok: LITERALS[buffer] ?? "id", lit: buffer });
    }
  }
}

class ParseError extends Error {}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  /** In value position the keywords "in" and "notin" are plain identifiers ("x in (in)"). */
  lookahead(values: boolean): Item {
    const item = this.items[Math.min(this.position, this.items.length - 1)] as Item;
    return values && (item.tok === "in" || item.tok === "notin") ? { tok: "id", lit: item.lit } : item;
  }

  consume(values: boolean): Item {
    const item = this.lookahead(values);
    this.position++;
    return item;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === "eos") return requirements;
      if (tok !== "id" && tok !== "!") throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.parseRequirement());
      } catch (err) {
        if (err instanceof ParseError) throw new ParseError(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const next = this.consume(true);
      if (next.tok === "eos") return requirements;
      if (next.tok !== ",") throw new ParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead(true);
      if (after.tok !== "id" && after.tok !== "!") {
        throw new ParseError(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred) return requirement(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === "in" || operator === "notin" ? this.parseValues() : this.parseExactValue();
    // sets.String: the values come out deduplicated and sorted.
    return requirement(key, operator, [...new Set(values)].sort());
  }

  private parseKeyAndInferOperator(): [string, LabelOperator | undefined] {
    let operator: LabelOperator | undefined;
    let item = this.consume(true);
    if (item.tok === "!") {
      operator = "!";
      item = this.consume(true);
    }
    if (item.tok !== "id") throw new ParseError(`found '${item.lit}', expected: identifier`);
    const errs = isQualifiedName(item.lit);
    if (errs.length > 0) throw new ParseError(invalidValue("<nil>", item.lit, errs.join("; ")));
    const next = this.lookahead(true).tok;
    if ((next === "eos" || next === ",") && operator !== "!") operator = "exists";
    return [item.lit, operator];
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(false);
    const operator = BINARY_OPERATORS[tok];
    if (!operator) throw new ParseError(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
    return operator;
  }

  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.tok !== "(") throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    if (tok === ")") {
      this.consume(true);
      return [""]; // "()" is the empty value
    }
    if (tok !== "id" && tok !== ",") throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    // Upstream reports the token that opened the list here, not the one it found.
    if (this.consume(true).tok !== ")") throw new ParseError(`found '${lit}', expected: ')'`);
    return values;
  }

  /** Comma-separated, possibly empty identifiers: "(a,,b)" and "(,a)" hold "". */
  private parseIdentifiersList(): string[] {
    const values: string[] = [];
    for (;;) {
      const { tok, lit } = this.consume(true);
      if (tok === "id") {
        values.push(lit);
        const next = this.lookahead(true);
        if (next.tok === ",") continue;
        if (next.tok === ")") return values;
        throw new ParseError(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok !== ",") throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      if (values.length === 0) values.push("");
      const next = this.lookahead(true).tok;
      if (next === ")") {
        values.push("");
        return values;
      }
      if (next === ",") {
        this.consume(true);
        values.push("");
      }
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead(true).tok;
    if (next === "eos" || next === ",") return [""];
    const { tok, lit } = this.consume(true);
    if (tok === "id") return [lit];
    throw new ParseError(`found '${lit}', expected: identifier`);
  }
}

const BINARY_OPERATORS: Partial<Record<Token, LabelOperator>> = {
  in: "in",
  notin: "notin",
  "=": "=",
  "==": "==",
  "!=": "!=",
  ">": "gt",
  "<": "lt",
};

function requirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const problem = requirementProblem(key, operator, values);
  if (problem !== undefined) throw new ParseError(problem);
  return { key, operator, values };
}

/** Parses selector text into requirements (in text order); a syntax error is a 400. */
export function parseRequirements(text: string): LabelRequirement[] {
  try {
    return new Parser(lex(text)).parse();
  } catch (err) {
    if (err instanceof ParseError) throw badRequest(err.message);
    throw err;
  }
}
