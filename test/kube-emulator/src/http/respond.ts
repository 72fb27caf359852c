import type { ServerResponse } from "node:http";
import type { JsonObject } from "../api-types.js";
import { StatusError } from "./status-error.js";

export function sendJson(res: ServerResponse, code: number, body: JsonObject | string | Buffer): void {
  const text = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** A JSON body already serialized as parts (a list's cached items), written without joining them. */
export function sendJsonParts(res: ServerResponse, code: number, parts: readonly Buffer[]): void {
  let length = 0;
  for (const part of parts) length += part.length;
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": length });
  // Corked, the parts leave in one writev instead of a syscall each.
  res.socket?.cork();
  for (const part of parts) res.write(part);
  res.end();
  res.socket?.uncork();
}

export function sendError(res: ServerResponse, err: unknown): void {
  const status =
    err instanceof StatusError
      ? err
      : new StatusError(500, "InternalError", `Internal error occurred: ${(err as Error)?.message ?? String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status.code, status.toStatus());
}
