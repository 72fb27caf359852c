// Watch parameters at the protocol level: the streaming-list parameters (sendInitialEvents)
// a stock server of each version accepts or refuses, and malformed resourceVersions.
import http from "node:http";
import https from "node:https";
import { randomBytes } from "node:crypto";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const personas = [
  ["1.16", true],
  ["1.30", false],
] as const;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: Record<string, any>;
}

function send(emulator: RunningEmulator, method: string, path: string, body?: unknown): Promise<Reply> {
  const url = new URL(path, emulator.url);
  const headers: Record<string, string> = { Accept: "application/json", Authorization: `Bearer ${emulator.token}` };
  const text = body === undefined ? undefined : JSON.stringify(body);
  if (text !== undefined) headers["Content-Type"] = "application/json";
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method, headers, ca: emulator.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let json: Record<string, any> = {};
        try {
          json = JSON.parse(raw);
        } catch {
          // watch streams are line-delimited
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: raw, json });
      });
    });
    req.on("error", reject);
    req.end(text);
  });
}
const events = (r: Reply) => r.text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { type: string; object: Record<string, any> });

describe.each(personas)("raw watch on %s (tls: %s)", (version, tls) => {
  let emulator: RunningEmulator;
  let namespace: string;
  let listRv: string;

  beforeAll(async () => {
    emulator = await startEmulator({ k8sVersion: version, tls });
    namespace = `rwatch-${randomBytes(4).toString("hex")}`;
    await send(emulator, "POST", "/api/v1/namespaces", { metadata: { name: namespace } });
    await send(emulator, "POST", `/api/v1/namespaces/${namespace}/configmaps`, { metadata: { name: "existing" } });
    listRv = (await send(emulator, "GET", `/api/v1/namespaces/${namespace}/configmaps`)).json.metadata.resourceVersion;
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it("a watch from the list's resourceVersion on a quiet collection streams nothing and ends at timeoutSeconds", async () => {
    const r = await send(emulator, "GET", `/api/v1/namespaces/${namespace}/configmaps?watch=true&resourceVersion=${listRv}&timeoutSeconds=1`);
    expect(r.status).toBe(200);
    expect(events(r)).toEqual([]);
  });

  it("a resourceVersion that is not a number is 400 BadRequest", async () => {
    const r = await send(emulator, "GET", `/api/v1/namespaces/${namespace}/configmaps?watch=true&resourceVersion=abc`);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ kind: "Status", reason: "BadRequest", code: 400 });
  });

  if (version === "1.16") {
    it("1.16 does not know sendInitialEvents: the parameter is ignored and the watch starts at the resourceVersion", async () => {
      const r = await send(
        emulator,
        "GET",
        `/api/v1/namespaces/${namespace}/configmaps?watch=true&resourceVersion=${listRv}&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1`,
      );
      expect(r.status).toBe(200);
      expect(events(r).filter((e) => e.type === "ADDED")).toEqual([]);
      expect(events(r).some((e) => e.object.metadata?.annotations?.["k8s.io/initial-events-end"])).toBe(false);
    });
  } else {
    it("1.30 refuses sendInitialEvents: the WatchList feature gate is off by default before 1.32 (422)", async () => {
      const r = await send(
        emulator,
        "GET",
        `/api/v1/namespaces/${namespace}/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1`,
      );
      expect(r.status).toBe(422);
      expect(r.json).toMatchObject({ kind: "Status", reason: "Invalid", code: 422 });
      expect(r.json.message).toContain("sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled");
    });
  }
});
