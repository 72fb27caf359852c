/**
 * Encodes a swagger 2.0 JSON document as gnostic's `openapi.v2.Document` protobuf, the body
 * client-go's DiscoveryClient.OpenAPISchema() `proto.Unmarshal`s from /openapi/v2.
 *
 * Descriptor-free: each function below writes one gnostic message with `BinaryWriter`,
 * field numbers taken from github.com/google/gnostic-models/openapiv2/OpenAPIv2.proto
 * (quoted next to each write). It is the same mapping gnostic's own JSON→proto compiler
 * applies (`openapi_v2.ParseDocument`, which kube-apiserver runs on its swagger JSON), for
 * the subset of swagger the emulator publishes. Any other key throws, so the JSON and the
 * protobuf served for one document can never silently diverge.
 *
 * Vendor extensions (`x-...`) become `NamedAny{name, value: Any{yaml}}` with the value
 * rendered as YAML, as gnostic does; kubectl reads them back with yaml.Unmarshal.
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { stringify as yamlStringify } from "yaml";
import type { JsonObject, JsonValue } from "../api-types.js";

type Ctx = string; // JSON pointer-ish location, for error messages

function fail(ctx: Ctx, msg: string): never {
  throw new Error(`openapi v2 protobuf encoding: ${ctx}: ${msg}`);
}

function asObject(v: JsonValue | undefined, ctx: Ctx): JsonObject {
  if (v === null || typeof v !== "object" || Array.isArray(v)) fail(ctx, "expected an object");
  return v;
}

function asString(v: JsonValue | undefined, ctx: Ctx): string {
  if (typeof v !== "string") fail(ctx, "expected a string");
  return v;
}

function asBool(v: JsonValue | undefined, ctx: Ctx): boolean {
  if (typeof v !== "boolean") fail(ctx, "expected a boolean");
  return v;
}

function asStrings(v: JsonValue | undefined, ctx: Ctx): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) fail(ctx, "expected an array of strings");
  return v as string[];
}

function asArray(v: JsonValue | undefined, ctx: Ctx): JsonValue[] {
  if (!Array.isArray(v)) fail(ctx, "expected an array");
  return v;
}

function str(w: BinaryWriter, no: number, value: string): void {
  w.tag(no, WireType.LengthDelimited).string(value);
}

function bool(w: BinaryWriter, no: number, value: boolean): void {
  w.tag(no, WireType.Varint).bool(value);
}

function strings(w: BinaryWriter, no: number, values: string[]): void {
  for (const s of values) str(w, no, s);
}

/** Writes a length-delimited sub-message. */
function msg(w: BinaryWriter, no: number, body: (w: BinaryWriter) => void): void {
  w.tag(no, WireType.LengthDelimited).fork();
  body(w);
  w.join();
}

/** NamedAny { string name = 1; Any value = 2; }  Any { google.protobuf.Any value = 1; string yaml = 2; } */
function namedAny(w: BinaryWriter, no: number, name: string, value: JsonValue): void {
  msg(w, no, (w) => {
    str(w, 1, name);
    msg(w, 2, (w) => str(w, 2, yamlStringify(value)));
  });
}

/** Info { title = 1; version = 2; description = 3; ...; repeated NamedAny vendor_extension = 7; } */
function info(w: BinaryWriter, o: JsonObject, ctx: Ctx): void {
  for (const [k, v] of Object.entries(o)) {
    const at = `${ctx}/${k}`;
    if (k === "title") str(w, 1, asString(v, at));
    else if (k === "version") str(w, 2, asString(v, at));
    else if (k === "description") str(w, 3, asString(v, at));
    else if (k.startsWith("x-")) namedAny(w, 7, k, v);
    else fail(at, "unsupported Info field");
  }
}

/**
 * Schema { _ref = 1; format = 2; title = 3; description = 4; ...; TypeItem type = 22;
 *          ItemsItem items = 23; ...; repeated NamedAny vendor_extension = 31; }
 * TypeItem { repeated string value = 1; }  ItemsItem { repeated Schema schema = 1; }
 */
function schema(w: BinaryWriter, o: JsonObject, ctx: Ctx): void {
  for (const [k, v] of Object.entries(o)) {
    const at = `${ctx}/${k}`;
    if (k === "$ref") str(w, 1, asString(v, at));
    else if (k === "format") str(w, 2, asString(v, at));
    else if (k === "title") str(w, 3, asString(v, at));
    else if (k === "description") str(w, 4, asString(v, at));
    else if (k === "type") msg(w, 22, (w) => strings(w, 1, typeof v === "string" ? [v] : asStrings(v, at)));
    else if (k === "items") msg(w, 23, (w) => msg(w, 1, (w) => schema(w, asObject(v, at), at)));
    else if (k.startsWith("x-")) namedAny(w, 31, k, v);
    else fail(at, "unsupported Schema field");
  }
}

/**
 * BodyParameter { description = 1; name = 2; in = 3; bool required = 4; Schema schema = 5;
 *                 repeated NamedAny vendor_extension = 6; }
 */
function bodyParameter(w: BinaryWriter, o: JsonObject, ctx: Ctx): void {
  for (const [k, v] of Object.entries(o)) {
    const at = `${ctx}/${k}`;
    if (k === "description") str(w, 1, asString(v, at));
    else if (k === "name") str(w, 2, asString(v, at));
    else if (k === "in") str(w, 3, asString(v, at));
    else if (k === "required") bool(w, 4, asBool(v, at));
    else if (k === "schema") msg(w, 5, (w) => schema(w, asObject(v, at), at));
    else if (k.startsWith("x-")) namedAny(w, 6, k, v);
    else fail(at, "unsupported BodyParameter field");
  }
}

/**
 * QueryParameterSubSchema { bool required = 1; in = 2; description = 3; name = 4;
 *   bool allow_empty_value = 5; type = 6; format = 7; ...; bool unique_items = 20; ...;
 *   repeated NamedAny vendor_extension = 23; }
 * PathParameterSubSchema { bool required = 1; in = 2; description = 3; name = 4; type = 5;
 *   format = 6; ...; bool unique_items = 19; ...; repeated NamedAny vendor_extension = 22; }
 */
function nonBodySubSchema(w: BinaryWriter, o: JsonObject, where: "query" | "path", ctx: Ctx): void {
  const n =
    where === "query"
      ? { type: 6, format: 7, uniqueItems: 20, allowEmptyValue: 5, ext: 23 }
      : { type: 5, format: 6, uniqueItems: 19, allowEmptyValue: undefined, ext: 22 };
  for (const [k, v] of Object.entries(o)) {
    const at = `${ctx}/${k}`;
    if (k === "required") bool(w, 1, asBool(v, at));
    else if (k === "in") str(w, 2, asString(v, at));
    else if (k === "description") str(w, 3, asString(v, at));
    else if (k === "name") str(w, 4, asString(v, at));
    else if (k === "type") str(w, n.type, asString(v, at));
    else if (k === "format") str(w, n.format, asString(v, at));
    else if (k === "uniqueItems") bool(w, n.uniqueItems, asBool(v, at));
    else if (k === "allowEmptyValue" && n.allowEmptyValue !== undefined) bool(w, n.allowEmptyValue, asBool(v, at));
    else if (k.startsWith("x-")) namedAny(w, n.ext, k, v);
    else fail(at, `unsupported ${where} parameter field`);
  }
}

/**
 * ParametersItem { oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
 * JsonReference  { string _ref = 1; string description = 2; }
 * Parameter      { oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
 * NonBodyParameter { oneof { HeaderParameterSubSchema header_parameter_sub_schema = 1;
 *   FormDataParameterSubSchema form_data_parameter_sub_schema = 2;
 *   QueryParameterSubSchema query_parameter_sub_schema = 3; PathParameterSubSchema path_parameter_sub_schema = 4; } }
 */
function parametersItem(w: BinaryWriter, no: number, o: JsonObject, ctx: Ctx): void {
  msg(w, no, (w) => {
    if ("$ref" in o) {
      msg(w, 2, (w) => {
        for (const [k, v] of Object.entries(o)) {
          const at = `${ctx}/${k}`;
          if (k === "$ref") str(w, 1, asString(v, at));
          else if (k === "description") str(w, 2, asString(v, at));
          else fail(at, "unsupported JsonReference field");
        }
      });
      return;
    }
    const where = asString(o.in, `${ctx}/in`);
    msg(w, 1, (w) => {
      if (where === "body") msg(w, 1, (w) => bodyParameter(w, o, ctx));
      else if (where === "query") msg(w, 2, (w) => msg(w, 3, (w) => nonBodySubSchema(w, o, "query", ctx)));
      else if (where === "path") msg(w, 2, (w) => msg(w, 4, (w) => nonBodySubSchema(w, o, "path", ctx)));
      else fail(`${ctx}/in`, `unsupported parameter location ${where}`);
    });
  });
}

/**
 * Responses { repeated NamedResponseValue response_code = 1; repeated NamedAny vendor_extension = 2; }
 * NamedResponseValue { name = 1; ResponseValue value = 2; }
 * ResponseValue { oneof { Response response = 1; JsonReference json_reference = 2; } }
 * Response { description = 1; SchemaItem schema = 2; ...; repeated NamedAny vendor_extension = 5; }
 * SchemaItem { oneof { Schema schema = 1; FileSchema file_schema = 2; } }
 */
function responses(w: BinaryWriter, o: JsonObject, ctx: Ctx): void {
  for (const [code, v] of Object.entries(o)) {
    const at = `${ctx}/${code}`;
    if (code.startsWith("x-")) {
      namedAny(w, 2, code, v);
      continue;
    }
    msg(w, 1, (w) => {
      str(w, 1, code);
      msg(w, 2, (w) =>
        msg(w, 1, (w) => {
          for (const [k, rv] of Object.entries(asObject(v, at))) {
            const rat = `${at}/${k}`;
            if (k === "description") str(w, 1, asString(rv, rat));
            else if (k === "schema") msg(w, 2, (w) => msg(w, 1, (w) => schema(w, asObject(rv, rat), rat)));
            else if (k.startsWith("x-")) namedAny(w, 5, k, rv);
            else fail(rat, "unsupported Response field");
          }
        }),
      );
    });
  }
}

/**
 * Operation { repeated string tags = 1; summary = 2; description = 3; ExternalDocs external_docs = 4;
 *   operation_id = 5; repeated string produces = 6; repeated string consumes = 7;
 *   repeated ParametersItem parameters = 8; Responses responses = 9; repeated string schemes = 10;
 *   bool deprecated = 11; repeated SecurityRequirement security = 12; repeated NamedAny vendor_extension = 13; }
 */
function operation(w: BinaryWriter, o: JsonObject, ctx: Ctx): void {
  for (const [k, v] of Object.entries(o)) {
    const at = `${ctx}/${k}`;
    if (k === "tags") strings(w, 1, asStrings(v, at));
    else if (k === "summary") str(w, 2, asString(v, at));
    else if (k === "description") str(w, 3, asString(v, at));
    else if (k === "operationId") str(w, 5, asString(v, at));
    else if (k === "produces") strings(w, 6, asStrings(v, at));
    else if (k === "consumes") strings(w, 7, asStrings(v, at));
    else if (k === "parameters") asArray(v, at).forEach((p, i) => parametersItem(w, 8, asObject(p, `${at}/${i}`), `${at}/${i}`));
    else if (k === "responses") msg(w, 9, (w) => responses(w, asObject(v, at), at));
    else if (k === "schemes") strings(w, 10, asStrings(v, at));
    else if (k === "deprecated") bool(w, 11, asBool(v, at));
    else if (k.startsWith("x-")) namedAny(w, 13, k, v);
    else fail(at, "unsupported Operation field");
  }
}

/**
 * PathItem { _ref = 1; Operation get = 2; put = 3; post = 4; delete = 5; options = 6; head = 7;
 *   patch = 8; repeated ParametersItem parameters = 9; repeated NamedAny vendor_extension = 10; }
 */
const PATH_ITEM_OPERATIONS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

function pathItem(w: BinaryWriter, o: JsonObject, ctx: Ctx): void {
  for (const [k, v] of Object.entries(o)) {
    const at = `${ctx}/${k}`;
    const opNo = PATH_ITEM_OPERATIONS[k];
    if (opNo !== undefined) msg(w, opNo, (w) => operation(w, asObject(v, at), at));
    else if (k === "$ref") str(w, 1, asString(v, at));
    else if (k === "parameters") asArray(v, at).forEach((p, i) => parametersItem(w, 9, asObject(p, `${at}/${i}`), `${at}/${i}`));
    else if (k.startsWith("x-")) namedAny(w, 10, k, v);
    else fail(at, "unsupported PathItem field");
  }
}

/** Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }  NamedPathItem { name = 1; PathItem value = 2; } */
function paths(w: BinaryWriter, o: JsonObject, ctx: Ctx): void {
  for (const [k, v] of Object.entries(o)) {
    const at = `${ctx}/${k}`;
    if (k.startsWith("x-")) namedAny(w, 1, k, v);
    else if (k.startsWith("/")) {
      msg(w, 2, (w) => {
        str(w, 1, k);
        msg(w, 2, (w) => pathItem(w, asObject(v, at), at));
      });
    } else fail(at, "path names must start with /");
  }
}

/** Definitions { repeated NamedSchema additional_properties = 1; }  NamedSchema { name = 1; Schema value = 2; } */
function definitions(w: BinaryWriter, o: JsonObject, ctx: Ctx): void {
  for (const [k, v] of Object.entries(o)) {
    msg(w, 1, (w) => {
      str(w, 1, k);
      msg(w, 2, (w) => schema(w, asObject(v, `${ctx}/${k}`), `${ctx}/${k}`));
    });
  }
}

/**
 * Document { swagger = 1; Info info = 2; host = 3; base_path = 4; repeated string schemes = 5;
 *   repeated string consumes = 6; repeated string produces = 7; Paths paths = 8;
 *   Definitions definitions = 9; ParameterDefinitions parameters = 10; ResponseDefinitions responses = 11;
 *   repeated SecurityRequirement security = 12; SecurityDefinitions security_definitions = 13;
 *   repeated Tag tags = 14; ExternalDocs external_docs = 15; repeated NamedAny vendor_extension = 16; }
 */
export function encodeSwaggerAsGnostic(doc: JsonObject): Uint8Array {
  const w = new BinaryWriter();
  for (const [k, v] of Object.entries(doc)) {
    const at = `#/${k}`;
    if (k === "swagger") str(w, 1, asString(v, at));
    else if (k === "info") msg(w, 2, (w) => info(w, asObject(v, at), at));
    else if (k === "host") str(w, 3, asString(v, at));
    else if (k === "basePath") str(w, 4, asString(v, at));
    else if (k === "schemes") strings(w, 5, asStrings(v, at));
    else if (k === "consumes") strings(w, 6, asStrings(v, at));
    else if (k === "produces") strings(w, 7, asStrings(v, at));
    else if (k === "paths") msg(w, 8, (w) => paths(w, asObject(v, at), at));
    else if (k === "definitions") msg(w, 9, (w) => definitions(w, asObject(v, at), at));
    else if (k.startsWith("x-")) namedAny(w, 16, k, v);
    else fail(at, "unsupported Document field");
  }
  return w.finish();
}
