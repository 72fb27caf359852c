// Watch parameters at the protocol level: the streaming-list parameters (sendInitialEvents)
// a stock server of each version accepts or refuses, and malformed resourceVersions.
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useEmulator } from "../support/clusters.js";
import { jsonRequest, watchEvents } from "../support/raw-http.js";

const personas = [
  ["1.16", true],
  ["1.30", false],
] as const;

describe.each(personas)("raw watch on %s (tls: %s)", (version, tls) => {
  const cluster = useEmulator({ k8sVersion: version, tls });
  /** Sends `body` as JSON with the admin token. */
  const send = (method: string, path: string, body?: unknown) => jsonRequest(cluster.emulator, method, path, body);
  let namespace: string;
  let listRv: string;

  beforeAll(async () => {
    namespace = uniqueName("rwatch");
    await send("POST", "/api/v1/namespaces", { metadata: { name: namespace } });
    await send("POST", `/api/v1/namespaces/${namespace}/configmaps`, { metadata: { name: "existing" } });
    listRv = (await send("GET", `/api/v1/namespaces/${namespace}/configmaps`)).json.metadata.resourceVersion;
  });

  it("a watch from the list's resourceVersion on a quiet collection streams nothing and ends at timeoutSeconds", async () => {
    const r = await send("GET", `/api/v1/namespaces/${namespace}/configmaps?watch=true&resourceVersion=${listRv}&timeoutSeconds=1`);
    expect(r.status).toBe(200);
    expect(watchEvents(r)).toEqual([]);
  });

  it("a resourceVersion that is not a number is 400 BadRequest", async () => {
    const r = await send("GET", `/api/v1/namespaces/${namespace}/configmaps?watch=true&resourceVersion=abc`);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ kind: "Status", reason: "BadRequest", code: 400 });
  });

  if (version === "1.16") {
    it("1.16 does not know sendInitialEvents: the parameter is ignored and the watch starts at the resourceVersion", async () => {
      const r = await send(
        "GET",
        `/api/v1/namespaces/${namespace}/configmaps?watch=true&resourceVersion=${listRv}&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1`,
      );
      expect(r.status).toBe(200);
      expect(watchEvents(r).filter((e) => e.type === "ADDED")).toEqual([]);
      expect(watchEvents(r).some((e) => e.object.metadata?.annotations?.["k8s.io/initial-events-end"])).toBe(false);
    });
  } else {
    it("1.30 refuses sendInitialEvents: the WatchList feature gate is off by default before 1.32 (422)", async () => {
      const r = await send(
        "GET",
        `/api/v1/namespaces/${namespace}/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1`,
      );
      expect(r.status).toBe(422);
      expect(r.json).toMatchObject({ kind: "Status", reason: "Invalid", code: 422 });
      expect(r.json.message).toContain("sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled");
    });
  }
});
