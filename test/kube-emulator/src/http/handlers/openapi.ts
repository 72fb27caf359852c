import type { IncomingMessage, ServerResponse } from "node:http";
import {
  buildOpenApiV2,
  buildOpenApiV3,
  negotiateOpenApiV2,
  OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
  type OpenApiV2Document,
  type OpenApiV3Set,
} from "../../openapi/index.js";
import type { Persona } from "../../personas/index.js";
import type { ResourceRegistry } from "../../registry/index.js";
import { sendJson } from "../respond.js";
import { StatusError } from "../status-error.js";
import { notFoundPath } from "./discovery.js";

function notAcceptable(accept: string): StatusError {
  return new StatusError(406, "NotAcceptable", `only the following media types are accepted: application/json, ${OPENAPI_V2_PROTOBUF_CONTENT_TYPE} (got "${accept}")`);
}

/**
 * Serves /openapi/v2 (protobuf, which kubectl insists on, or JSON) and /openapi/v3 (JSON,
 * from 1.24 personas on). Documents are built on first request after the served resources
 * change, never per request. See ../../openapi/index.ts for why they are shaped as they are.
 */
export class OpenApiEndpoints {
  private revision = -1;
  private v2?: OpenApiV2Document;
  private v3?: OpenApiV3Set;

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly persona: Persona,
  ) {}

  serveV2(req: IncomingMessage, res: ServerResponse): void {
    const accept = String(req.headers.accept ?? "");
    const format = negotiateOpenApiV2(accept);
    if (!format) throw notAcceptable(accept);
    this.refresh();
    this.v2 ??= buildOpenApiV2({ title: "Kubernetes", version: this.persona.version.gitVersion, resources: this.registry.allResources() });
    if (format === "protobuf") {
      res.writeHead(200, { "Content-Type": OPENAPI_V2_PROTOBUF_CONTENT_TYPE, "Content-Length": this.v2.protobuf.byteLength, "Cache-Control": "no-cache, private" });
      res.end(Buffer.from(this.v2.protobuf));
      return;
    }
    sendJson(res, 200, this.v2.json);
  }

  serveV3Index(res: ServerResponse): void {
    const v3 = this.v3Set();
    res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
    res.end(v3.indexBody);
  }

  serveV3Doc(req: IncomingMessage, res: ServerResponse, group: string, version: string): void {
    const v3 = this.v3Set();
    const path = group === "" ? `api/${version}` : `apis/${group}/${version}`;
    const doc = v3.groupVersions.get(path);
    if (!doc) throw notFoundPath();
    const asked = new URL(req.url ?? "/", "http://emulator").searchParams.get("hash");
    if (asked !== null && asked !== doc.hash) {
      // A stale hash is redirected to the current document, as the real server does.
      res.writeHead(301, { Location: `/openapi/v3/${path}?hash=${doc.hash}` });
      res.end();
      return;
    }
    res.writeHead(200, {
      "Content-Type": "application/json",
      Etag: `"${doc.hash}"`,
      "Cache-Control": asked !== null ? "public, immutable" : "no-cache, private",
    });
    res.end(doc.body);
  }

  private v3Set(): OpenApiV3Set {
    if (!this.persona.supportsOpenApiV3) throw notFoundPath();
    this.refresh();
    this.v3 ??= buildOpenApiV3({ resources: this.registry.allResources(), info: { title: "Kubernetes", version: this.persona.version.gitVersion } });
    return this.v3;
  }

  private refresh(): void {
    if (this.revision === this.registry.revision) return;
    this.revision = this.registry.revision;
    this.v2 = undefined;
    this.v3 = undefined;
  }
}
