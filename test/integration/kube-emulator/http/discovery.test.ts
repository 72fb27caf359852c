// Discovery and OpenAPI at the protocol level: the Accept headers kubectl sends, the media
// types answered, and which documents each persona serves.
import { describe, expect, it } from "vitest";
import { personaGrid, useEmulator } from "../support/clusters.js";
import { rawRequest, type RawReply } from "../support/raw-http.js";

/** What kubectl 1.30 sends for /api and /apis. */
const aggregatedAccept =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
/** What client-go's OpenAPISchema() sends for /openapi/v2. */
const protobufAccept = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

/** Parses the body as JSON, failing the test when it is not JSON. */
const json = (r: RawReply) => JSON.parse(r.body.toString("utf8")) as Record<string, any>;

describe.each(personaGrid)("raw discovery on %s (tls: %s)", (version, tls) => {
  const cluster = useEmulator({ k8sVersion: version, tls });
  /** A GET with the admin token and the Accept header given (none when left out). */
  const get = (path: string, accept?: string) => rawRequest(cluster.emulator, "GET", path, { accept: accept || null });

  it("/version answers JSON with the persona's version", async () => {
    const r = await get("/version");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^application\/json/);
    const v = json(r);
    expect(v).toMatchObject({ major: "1", minor: version.split(".")[1] });
    expect(v.gitVersion).toMatch(new RegExp(`^v${version.replace(".", "\\.")}\\.\\d+$`));
    expect(v.goVersion).toMatch(/^go1\./);
    expect(v.compiler).toBe("gc");
    expect(v.buildDate).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  if (version === "1.16") {
    it("1.16 declines aggregated discovery: /apis answers a plain APIGroupList as application/json", async () => {
      const r = await get("/apis", aggregatedAccept);
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toBe("application/json");
      const body = json(r);
      expect(body.kind).toBe("APIGroupList");
      expect(body.apiVersion).toBe("v1");
      expect(Array.isArray(body.groups)).toBe(true);
      expect(body.items).toBeUndefined();
      expect(body.groups.map((g: { name: string }) => g.name)).toContain("apps");
    });

    it("1.16 declines aggregated discovery for /api too: plain APIVersions", async () => {
      const r = await get("/api", aggregatedAccept);
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toBe("application/json");
      const body = json(r);
      expect(body.kind).toBe("APIVersions");
      expect(body.versions).toEqual(["v1"]);
    });

    it("1.16 has no /openapi/v3", async () => {
      const r = await get("/openapi/v3", "application/json");
      expect(r.status).toBe(404);
      const doc = await get("/openapi/v3/api/v1", "application/json");
      expect(doc.status).toBe(404);
    });
  } else {
    it("1.30: /apis with the aggregated Accept answers JSON whose Content-Type matches its body", async () => {
      const r = await get("/apis", aggregatedAccept);
      expect(r.status).toBe(200);
      const body = json(r);
      const type = String(r.headers["content-type"]);
      if (body.kind === "APIGroupDiscoveryList") {
        expect(type).toContain("as=APIGroupDiscoveryList");
        expect(body.items.length).toBeGreaterThan(0);
      } else {
        expect(body.kind).toBe("APIGroupList");
        expect(type).toBe("application/json");
      }
    });

    it("1.30 serves /openapi/v3 with per group-version documents", async () => {
      const index = await get("/openapi/v3", "application/json");
      expect(index.status).toBe(200);
      expect(index.headers["content-type"]).toMatch(/^application\/json/);
      const paths = json(index).paths as Record<string, { serverRelativeURL: string }>;
      expect(Object.keys(paths)).toEqual(expect.arrayContaining(["api/v1", "apis/apps/v1", "apis/networking.k8s.io/v1", "apis/batch/v1"]));
      expect(paths["api/v1"]!.serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/i);

      const doc = await get(paths["apis/apps/v1"]!.serverRelativeURL, "application/json");
      expect(doc.status).toBe(200);
      const body = json(doc);
      expect(body.openapi).toMatch(/^3\./);
      expect(Object.keys(body.paths)).toContain("/apis/apps/v1/namespaces/{namespace}/deployments");
      expect(doc.headers["cache-control"]).toContain("immutable");

      const missing = await get("/openapi/v3/apis/extensions/v1beta1", "application/json");
      expect(missing.status).toBe(404);
    });
  }

  it("/openapi/v2 answers protobuf for the protobuf Accept", async () => {
    const r = await get("/openapi/v2", protobufAccept);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^application\/com\.github\.proto-openapi\.spec\.v2[.@]v1\.0\+protobuf$/);
    expect(r.body.length).toBeGreaterThan(1000);
    // gnostic's Document: field 1 (swagger, a string) = "2.0" comes first.
    expect([...r.body.subarray(0, 5)]).toEqual([0x0a, 0x03, 0x32, 0x2e, 0x30]);
    expect(() => JSON.parse(r.body.toString("utf8"))).toThrow();
    // The paths are in it, as strings in the protobuf.
    expect(r.body.includes(Buffer.from("/api/v1/namespaces/{namespace}/configmaps"))).toBe(true);
    expect(r.body.includes(Buffer.from("/apis/apps/v1/namespaces/{namespace}/deployments"))).toBe(true);
  });

  it("/openapi/v2 answers JSON for a JSON Accept", async () => {
    const r = await get("/openapi/v2", "application/json");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^application\/json/);
    const doc = json(r);
    expect(doc.swagger).toBe("2.0");
    expect(doc.info.version).toMatch(new RegExp(`^v${version.replace(".", "\\.")}\\.`));
    expect(Object.keys(doc.paths)).toContain("/api/v1/namespaces/{namespace}/configmaps/{name}");
    const ingressPath = version === "1.16" ? "/apis/extensions/v1beta1/namespaces/{namespace}/ingresses" : "/apis/networking.k8s.io/v1/namespaces/{namespace}/ingresses";
    expect(Object.keys(doc.paths)).toContain(ingressPath);
  });

  it("/openapi/v2 refuses a media type it cannot produce with 406", async () => {
    const r = await get("/openapi/v2", "text/html");
    expect(r.status).toBe(406);
  });

  it("/apis/<group> answers an APIGroup with versions and the preferred version", async () => {
    const r = await get("/apis/autoscaling", "application/json");
    expect(r.status).toBe(200);
    const g = json(r);
    expect(g.kind).toBe("APIGroup");
    expect(g.name).toBe("autoscaling");
    expect(g.preferredVersion.version).toBe(version === "1.16" ? "v1" : "v2");
    const gone = await get(version === "1.16" ? "/apis/discovery.k8s.io" : "/apis/extensions", "application/json");
    expect(gone.status).toBe(404);
  });
});
