import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { JsonObject } from "../api-types.js";
import { decodeMessage } from "./decoder.js";
import { setNestedDecoder } from "./specials.js";
import { type DecodeContext, KubernetesProtobufError, guard, hasMagic, malformed, readTag, skipUnknown } from "./wire.js";
import { kubernetesSchemas } from "./registry.js";

export const protobufMediaType = "application/vnd.kubernetes.protobuf";

export interface DecodedProtobufBody {
  /** The object exactly as the same request would have carried it as application/json. */
  object: JsonObject;
  /** Fields the emulator's tables do not know, skipped: `"<Message> field <n> (wire type <w>) at <path>"`. */
  unknownFields: string[];
}

/** Whether a Content-Type header names Kubernetes' protobuf encoding (parameters are ignored). */
export function isKubernetesProtobuf(contentType: string): boolean {
  return contentType.split(";")[0]!.trim().toLowerCase() === protobufMediaType;
}

/**
 * Decodes a request body sent as application/vnd.kubernetes.protobuf: the `k8s\0` magic, then a
 * runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType}
 * whose raw bytes are the typed object's own encoding.
 *
 * Throws KubernetesProtobufError: reason "Unsupported" for a kind without a table (the message names
 * the apiVersion and kind), "Malformed" for bytes that do not parse.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): DecodedProtobufBody {
  const ctx: DecodeContext = { schemas: kubernetesSchemas(), unknownFields: [] };
  const object = decodeEnvelope(ctx, body, "", 0);
  return { object, unknownFields: ctx.unknownFields };
}

function decodeEnvelope(ctx: DecodeContext, body: Uint8Array, path: string, depth: number): JsonObject {
  if (!hasMagic(body)) throw malformed("the body does not start with the k8s\\x00 prefix");
  const unknown = readUnknown(ctx, body.subarray(4), path);
  const { apiVersion, kind } = unknown;
  if (unknown.contentEncoding !== "") {
    throw new KubernetesProtobufError(
      `protobuf bodies with content encoding ${JSON.stringify(unknown.contentEncoding)} are not supported by the emulator; send JSON`,
      "Unsupported",
    );
  }
  const root = kind === "DeleteOptions" ? ctx.schemas.message("DeleteOptions") : ctx.schemas.rootFor(apiVersion, kind);
  if (!root) {
    throw new KubernetesProtobufError(
      `protobuf bodies for ${apiVersion || "<no apiVersion>"} ${kind || "<no kind>"} are not supported by the emulator; send JSON`,
      "Unsupported",
    );
  }
  const fields = decodeMessage(ctx, root, unknown.raw, path, depth);
  return { kind, apiVersion, ...fields };
}

interface RuntimeUnknown {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

function readUnknown(ctx: DecodeContext, bytes: Uint8Array, path: string): RuntimeUnknown {
  const out: RuntimeUnknown = { apiVersion: "", kind: "", raw: new Uint8Array(0), contentEncoding: "" };
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [number, wireType] = readTag(reader, path);
    if (wireType !== WireType.LengthDelimited || number > 4) {
      skipUnknown(ctx, reader, "runtime.Unknown", number, wireType, path);
      continue;
    }
    const value = guard(() => reader.bytes(), path);
    if (number === 1) Object.assign(out, readTypeMeta(ctx, value, path));
    else if (number === 2) out.raw = value;
    else if (number === 3) out.contentEncoding = new TextDecoder().decode(value);
    // 4 contentType: the serializer leaves it empty for protobuf; nothing to do with it.
  }
  return out;
}

function readTypeMeta(ctx: DecodeContext, bytes: Uint8Array, path: string): { apiVersion: string; kind: string } {
  const out = { apiVersion: "", kind: "" };
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [number, wireType] = readTag(reader, path);
    if ((number === 1 || number === 2) && wireType === WireType.LengthDelimited) {
      const text = guard(() => reader.string(), path);
      if (number === 1) out.apiVersion = text;
      else out.kind = text;
    } else {
      skipUnknown(ctx, reader, "runtime.TypeMeta", number, wireType, path);
    }
  }
  return out;
}

// RawExtension fields may hold a whole protobuf-encoded object of their own.
setNestedDecoder((ctx, raw, path, depth) => decodeEnvelope(ctx, raw, path, depth + 1));
