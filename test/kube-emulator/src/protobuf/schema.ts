/**
 * Compact schema tables for the Kubernetes protobuf messages the emulator can decode.
 *
 * Each message is written as one line of comma-separated fields, `<number> <jsonName>[:<type>][flags]`:
 *
 * - the type defaults to `string`; other scalars are `int32`, `int64`, `bool`, `bytes` and `double`;
 *   the special types below (`Time`, `Quantity`, ...) have their own JSON forms; anything else names
 *   another message of the tables;
 * - `[]T` is a repeated field, `{}T` a map from string keys to T (proto map entries: key 1, value 2);
 * - flag `!` keeps a zero value that Go would marshal: a pointer field (`*int32`, `*bool`, `*string`)
 *   that was set, or a field whose JSON tag has no `omitempty`;
 * - flag `~` (implies `!`) marks a JSON tag without `omitempty` on a field that can be nil (a slice, map
 *   or pointer): Go marshals it as `null` when it is nil, which protobuf leaves absent;
 * - flag `^` marks an embedded Go struct (`json:",inline"`): its fields merge into the parent object.
 *
 * Without `!`, a zero scalar is dropped: the generated marshallers write every non-pointer scalar,
 * even empty ones, and Go's JSON encoder leaves those out under `omitempty`.
 */

export type Scalar = "string" | "int32" | "int64" | "bool" | "bytes" | "double";

/** Types whose JSON form is not that of a plain message. */
export type Special =
  | "Time" // metav1.Time: RFC 3339 in seconds, null when zero
  | "MicroTime" // metav1.MicroTime: RFC 3339 with microseconds
  | "Quantity" // resource.Quantity: its string
  | "IntOrString" // intstr.IntOrString: a number or a string
  | "RawExtension" // runtime.RawExtension: embedded JSON
  | "FieldsV1" // metav1.FieldsV1: embedded JSON
  | "StringList"; // a named []string such as authorization ExtraValue: {1 repeated string}

export const scalars: ReadonlySet<string> = new Set<Scalar>(["string", "int32", "int64", "bool", "bytes", "double"]);
export const specials: ReadonlySet<string> = new Set<Special>(["Time", "MicroTime", "Quantity", "IntOrString", "RawExtension", "FieldsV1", "StringList"]);

export interface FieldSpec {
  readonly number: number;
  readonly name: string;
  /** A scalar, a special or a message name. */
  readonly type: string;
  readonly repeated: boolean;
  readonly map: boolean;
  /** Keep zero scalar values. */
  readonly keep: boolean;
  /** Marshal `null` when absent. */
  readonly nullable: boolean;
  readonly inline: boolean;
}

export interface MessageSpec {
  readonly name: string;
  readonly fields: ReadonlyMap<number, FieldSpec>;
}

const fieldPattern = /^(\d+) ([A-Za-z0-9]+)(?::(\[\]|\{\})?([A-Za-z0-9]+))?([!^~]*)$/;

/** Parses one message line of the table language described above. */
export function parseMessage(name: string, line: string): MessageSpec {
  const fields = new Map<number, FieldSpec>();
  for (const part of line.split(",")) {
    const text = part.trim();
    if (text === "") continue;
    const match = fieldPattern.exec(text);
    if (!match) throw new Error(`protobuf schema ${name}: cannot parse field "${text}"`);
    const [, num, jsonName, shape, type, flags] = match;
    const number = Number(num);
    if (fields.has(number)) throw new Error(`protobuf schema ${name}: field ${number} is defined twice`);
    fields.set(number, {
      number,
      name: jsonName!,
      type: type ?? "string",
      repeated: shape === "[]",
      map: shape === "{}",
      keep: flags!.includes("!") || flags!.includes("~"),
      nullable: flags!.includes("~"),
      inline: flags!.includes("^"),
    });
  }
  return { name, fields };
}

/** A group's tables: message name -> field line. */
export type MessageTable = Readonly<Record<string, string>>;

/** The root message of each apiVersion + kind, e.g. `{ "apps/v1 Deployment": "Deployment" }`. */
export type KindTable = Readonly<Record<string, string>>;

export class SchemaRegistry {
  private readonly messages = new Map<string, MessageSpec>();
  private readonly kinds = new Map<string, string>();

  constructor(tables: readonly MessageTable[], kindTables: readonly KindTable[]) {
    for (const table of tables) {
      for (const [name, line] of Object.entries(table)) {
        if (this.messages.has(name)) throw new Error(`protobuf schema: message ${name} is defined twice`);
        this.messages.set(name, parseMessage(name, line));
      }
    }
    for (const table of kindTables) {
      for (const [key, root] of Object.entries(table)) this.kinds.set(key, root);
    }
    this.check();
  }

  message(name: string): MessageSpec {
    const spec = this.messages.get(name);
    if (!spec) throw new Error(`protobuf schema: unknown message ${name}`);
    return spec;
  }

  /** The root message for an apiVersion and kind, or undefined when the emulator has no table for it. */
  rootFor(apiVersion: string, kind: string): MessageSpec | undefined {
    const root = this.kinds.get(`${apiVersion} ${kind}`);
    return root === undefined ? undefined : this.message(root);
  }

  /** Every apiVersion + kind pair with a table, as `"<apiVersion> <kind>"`. */
  supportedKinds(): string[] {
    return [...this.kinds.keys()].sort();
  }

  /** Every reference must resolve, so a typo in a table fails at load time rather than mid-request. */
  private check(): void {
    for (const spec of this.messages.values()) {
      for (const field of spec.fields.values()) {
        if (!scalars.has(field.type) && !specials.has(field.type) && !this.messages.has(field.type)) {
          throw new Error(`protobuf schema ${spec.name}.${field.name}: unknown type ${field.type}`);
        }
      }
    }
    for (const [key, root] of this.kinds) {
      if (!this.messages.has(root)) throw new Error(`protobuf schema: ${key} names unknown message ${root}`);
    }
  }
}
