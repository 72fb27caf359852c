import type { ServerResponse } from "node:http";
import type { JsonObject } from "../../api-types.js";
import { buildOpenApiV2, buildOpenApiV3GroupVersion, buildOpenApiV3Index, openApiHash } from "../../openapi/index.js";
import type { Persona } from "../../personas/index.js";
import type { ResourceRegistry } from "../../registry/index.js";
import { sendJson } from "../respond.js";
import { notFoundPath } from "./discovery.js";

const protobufV2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

/** Serves /openapi/v2 and /openapi/v3, rebuilt only when the served resources change. */
export class OpenApiEndpoints {
  private cachedRevision = -1;
  private v2?: { json: JsonObject; protobuf: Uint8Array };
  private v3Docs = new Map<string, { doc: JsonObject; text: string; hash: string }>();

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly persona: Persona,
  ) {}

  serveV2(res: ServerResponse, accept: string): void {
    this.refresh();
    const v2 = this.v2 ?? (this.v2 = buildOpenApiV2({ title: "Kubernetes", version: this.persona.version.gitVersion, resources: this.registry.allResources() }));
    if (accept.includes("protobuf")) {
      res.writeHead(200, { "Content-Type": protobufV2, "Content-Length": v2.protobuf.byteLength });
      res.end(Buffer.from(v2.protobuf));
      return;
    }
    sendJson(res, 200, v2.json);
  }

  serveV3Index(res: ServerResponse): void {
    if (!this.persona.supportsOpenApiV3) throw notFoundPath();
    this.refresh();
    const gvs = this.registry.servedGroups().flatMap((g) => g.versions.map((version) => ({ group: g.group, version })));
    sendJson(res, 200, buildOpenApiV3Index(gvs, (path) => this.v3Doc(path).hash));
  }

  serveV3Doc(res: ServerResponse, group: string, version: string): void {
    if (!this.persona.supportsOpenApiV3) throw notFoundPath();
    this.refresh();
    const served = this.registry.servedGroup(group);
    if (!served || !served.versions.includes(version)) throw notFoundPath();
    const entry = this.v3Doc(group === "" ? `api/${version}` : `apis/${group}/${version}`);
    sendJson(res, 200, entry.text);
  }

  private v3Doc(path: string): { doc: JsonObject; text: string; hash: string } {
    let entry = this.v3Docs.get(path);
    if (!entry) {
      const parts = path.split("/");
      const [group, version] = parts[0] === "api" ? ["", parts[1]!] : [parts[1]!, parts[2]!];
      const doc = buildOpenApiV3GroupVersion({ group, version, resources: this.registry.resourcesOf({ group, version }) });
      const text = JSON.stringify(doc);
      entry = { doc, text, hash: openApiHash(text) };
      this.v3Docs.set(path, entry);
    }
    return entry;
  }

  private refresh(): void {
    if (this.cachedRevision === this.registry.revision) return;
    this.cachedRevision = this.registry.revision;
    this.v2 = undefined;
    this.v3Docs.clear();
  }
}
