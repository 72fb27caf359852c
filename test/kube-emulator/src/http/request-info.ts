/**
 * What a request path addresses, parsed the way kube-apiserver's RequestInfoFactory does
 * (apiserver/pkg/endpoints/request/requestinfo.go), minus the parts the emulator lacks.
 */
export type RequestTarget =
  | { type: "version" }
  | { type: "health" }
  | { type: "legacy-versions" } // /api
  | { type: "groups" } // /apis
  | { type: "group"; group: string } // /apis/G
  | { type: "resource-list"; group: string; version: string } // /api/v1, /apis/G/V
  | { type: "openapi-v2" }
  | { type: "openapi-v3-index" }
  | { type: "openapi-v3-doc"; group: string; version: string }
  | ResourceTarget
  | { type: "unknown" };

export interface ResourceTarget {
  type: "resource";
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Legacy /api/v1/watch/... paths imply watch=true. */
  watchPath: boolean;
}

export function parseRequestPath(pathname: string): RequestTarget {
  const parts = pathname.split("/").filter((p) => p !== "").map(decodeURIComponent);
  const [first, ...rest] = parts;
  if (first === "version" && rest.length === 0) return { type: "version" };
  if ((first === "healthz" || first === "livez" || first === "readyz") && rest.length <= 1) return { type: "health" };
  if (first === "openapi") return parseOpenApi(rest);
  if (first === "api") {
    if (rest.length === 0) return { type: "legacy-versions" };
    const [version, ...tail] = rest;
    if (tail.length === 0) return { type: "resource-list", group: "", version: version! };
    return parseResourcePath("", version!, tail);
  }
  if (first === "apis") {
    if (rest.length === 0) return { type: "groups" };
    const [group, version, ...tail] = rest;
    if (version === undefined) return { type: "group", group: group! };
    if (tail.length === 0) return { type: "resource-list", group: group!, version };
    return parseResourcePath(group!, version, tail);
  }
  return { type: "unknown" };
}

function parseOpenApi(rest: string[]): RequestTarget {
  if (rest.length === 1 && rest[0] === "v2") return { type: "openapi-v2" };
  if (rest[0] !== "v3") return { type: "unknown" };
  if (rest.length === 1) return { type: "openapi-v3-index" };
  if (rest[1] === "api" && rest.length === 3) return { type: "openapi-v3-doc", group: "", version: rest[2]! };
  if (rest[1] === "apis" && rest.length === 4) return { type: "openapi-v3-doc", group: rest[2]!, version: rest[3]! };
  return { type: "unknown" };
}

function parseResourcePath(group: string, version: string, tail: string[]): RequestTarget {
  let watchPath = false;
  if (tail[0] === "watch") {
    watchPath = true;
    tail = tail.slice(1);
  }
  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}... addresses namespaced resources; /namespaces and
  // /namespaces/{name}[/status|finalize] address the Namespace objects themselves.
  if (tail[0] === "namespaces" && tail.length >= 3) {
    namespace = tail[1];
    tail = tail.slice(2);
  }
  const [resource, name, subresource, ...extra] = tail;
  if (resource === undefined || extra.length > 0) return { type: "unknown" };
  return { type: "resource", group, version, resource, namespace, name, subresource, watchPath };
}
