// Requests to an emulator below client-node, for what it cannot send or does not show: bodies
// that do not parse, chosen Accept headers, 401 bodies, and the exact wire shape of answers.
import http from "node:http";
import https from "node:https";
import type { RunningEmulator } from "@lifeboat/kube-emulator";
import { expect } from "vitest";
import { uniqueName } from "./clusters.js";

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as received; binary for protobuf answers. */
  body: Buffer;
  /** The body decoded as UTF-8. */
  text: string;
  /** The body parsed as JSON, or {} when it is not JSON (health checks, watch streams): callers then assert on text. */
  json: Record<string, any>;
}

export interface RawOptions {
  /** The Authorization header: the emulator's admin token as a Bearer token when left out, none when null. */
  authorization?: string | null;
  /** The Accept header: application/json when left out, none when null. */
  accept?: string | null;
  contentType?: string;
  body?: string | Buffer;
}

/** Sends one request as given, over HTTPS trusting the emulator's CA when it serves TLS. */
export function rawRequest(emulator: RunningEmulator, method: string, path: string, options: RawOptions = {}): Promise<RawReply> {
  const url = new URL(path, emulator.url);
  const headers: Record<string, string> = {};
  const accept = options.accept === undefined ? "application/json" : options.accept;
  if (accept !== null) headers.Accept = accept;
  const authorization = options.authorization === undefined ? `Bearer ${emulator.token}` : options.authorization;
  if (authorization !== null) headers.Authorization = authorization;
  if (options.contentType) headers["Content-Type"] = options.contentType;
  if (options.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(options.body));
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method, headers, ca: emulator.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        const text = body.toString("utf8");
        let json: Record<string, any> = {};
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON; callers assert on text or body
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json });
      });
    });
    // The server may answer (413) before reading the whole body and close the socket.
    req.on("error", reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** rawRequest with `body` serialized as JSON (and no body when it is undefined). */
export function jsonRequest(emulator: RunningEmulator, method: string, path: string, body?: unknown, options: Omit<RawOptions, "body" | "contentType"> = {}): Promise<RawReply> {
  if (body === undefined) return rawRequest(emulator, method, path, options);
  return rawRequest(emulator, method, path, { ...options, body: JSON.stringify(body), contentType: "application/json" });
}

/** Creates a namespace `<prefix>-<random>` as the admin, asserting the 201, and returns its name. */
export async function createNamespace(emulator: RunningEmulator, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  const r = await jsonRequest(emulator, "POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  expect(r.status).toBe(201);
  return name;
}

/** The events of a watch answered in full (it ended at timeoutSeconds): one JSON object a line. */
export function watchEvents(reply: RawReply): Array<{ type: string; object: Record<string, any> }> {
  return reply.text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; object: Record<string, any> });
}

/** Asserts a refusal as a real API server answers it: the code, as JSON, in a Failure Status with that code and reason and a message. */
export function expectStatus(reply: RawReply, code: number, reason: string): void {
  expect(reply.status).toBe(code);
  expect(reply.headers["content-type"]).toMatch(/^application\/json/);
  expect(reply.json).toMatchObject({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason });
  expect(typeof reply.json.message).toBe("string");
}
