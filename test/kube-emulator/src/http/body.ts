import type { IncomingMessage } from "node:http";
import { parse as parseYaml } from "yaml";
import { decodeKubernetesProtobuf, isKubernetesProtobuf, KubernetesProtobufError } from "../protobuf/index.js";
import { StatusError, badRequest } from "./status-error.js";

/** kube-apiserver refuses request bodies over 3 MiB (apiserver/pkg/server/config.go MaxRequestBodyBytes). */
export const maxBodyBytes = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): StatusError {
  return new StatusError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);
}

/** The media type without parameters, lower-cased. */
export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

// An absent Content-Type is taken as JSON, as client-go's older clients send none.
const jsonTypes = new Set(["", "application/json", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"]);

/** Parses a JSON or YAML body (YAML for application/yaml and server-side apply) into a value. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (isKubernetesProtobuf(type)) return decodeProtobuf(raw);
  const text = raw.toString("utf8");
  if (text.trim() === "") throw badRequest("the request body is empty: expected a JSON or YAML object");
  if (type === "application/yaml" || type === "application/apply-patch+yaml" || type === "text/yaml") {
    try {
      return parseYaml(text);
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  if (!jsonTypes.has(type)) {
    throw new StatusError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml: ${(err as Error).message}`);
  }
}

/** kubectl 1.32's typed clients send protobuf for built-in kinds; a real server decodes it. */
function decodeProtobuf(raw: Buffer): unknown {
  try {
    return decodeKubernetesProtobuf(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)).object;
  } catch (err) {
    if (err instanceof KubernetesProtobufError && err.reason === "Unsupported") {
      throw new StatusError(415, "UnsupportedMediaType", err.message);
    }
    throw badRequest((err as Error).message);
  }
}
