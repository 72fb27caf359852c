/**
 * OpenAPI documents of the emulated API server: /openapi/v2 (swagger 2.0, JSON and gnostic
 * protobuf) and /openapi/v3 (index plus one OpenAPI 3.0 document per group/version).
 *
 * Their only demanding reader is kubectl (1.27–1.33 against both personas). What it does
 * with them, from the kubectl / cli-runtime / client-go sources, and checked against the
 * real binaries:
 *
 * 1. /openapi/v2, protobuf. Unless --validate=false, `kubectl create|apply|replace -f` builds
 *    its validator (kubectl/pkg/cmd/util/factory_client_access.go `Validator`) by calling
 *    `f.OpenAPISchema()`: client-go discovery `OpenAPISchema()` GETs /openapi/v2 with
 *    `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and
 *    `proto.Unmarshal`s the body into gnostic's `openapi_v2.Document`. Any failure (404, 406,
 *    JSON body, a Content-Type Go's mime parser rejects) aborts the command in kubectl 1.27
 *    ("Error from server (NotFound)"), so both personas must serve it. The answer's
 *    Content-Type must be the "...spec.v2.v1.0+protobuf" spelling (see openapi-v2.ts).
 *    The parsed document is used three ways:
 *    a. Schema validation (kubectl/pkg/validation, kube-openapi util/proto/validation):
 *       `LookupResource(gvk)` finds a definition by its `x-kubernetes-group-version-kind`;
 *       a kind with no definition is skipped, a definition that is there is enforced
 *       (one without properties flags every field as unknown). The emulator cannot describe
 *       every kind completely, so it publishes no definitions: validation passes for any
 *       well-formed object of any kind, custom resources included. The price: on the 1.16
 *       persona kubectl no longer rejects unknown fields client-side; the server's own
 *       validation is the only check.
 *    b. fieldValidation support, the fallback leg (cli-runtime query_param_verifier.go):
 *       finds the PATCH operation whose `x-kubernetes-group-version-kind` extension
 *       (YAML in a NamedAny) matches, and looks for a `fieldValidation` query parameter. Not
 *       found for the kind → asks the same of Namespace, and if Namespace has it, lists
 *       CRDs (GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions) to decide.
 *       Hence real paths are published: list/create/deletecollection, read/replace/patch/
 *       delete, all-namespaces list, /status and /scale, each operation with
 *       `x-kubernetes-action` and the GVK; `fieldValidation` only for servers ≥1.23 (so not
 *       for the 1.16 persona, which did not have it).
 *    c. Client-side apply patches (kubectl/pkg/cmd/apply/patcher.go): `GetConsumes(gvk,
 *       "PATCH")` then `LookupResource(gvk)`; with no definitions this yields no patch and
 *       kubectl falls back to its compiled-in Go types: strategic merge patch for kinds it
 *       knows, JSON merge patch for the rest (custom resources), exactly as against a real
 *       server for built-ins.
 *
 * 2. /openapi/v3 index + group/version documents, JSON. kubectl ≥1.27 asks the index
 *    (client-go openapi `Paths()`, `GET /openapi/v3`, JSON) and then
 *    `serverRelativeURL` (openapi3 root `GVSpec` → `Schema(runtime.ContentTypeJSON)`, i.e.
 *    `Accept: application/json`; the `?hash=` query is passed through). It is read twice:
 *    a. fieldValidation support, primary leg (cli-runtime query_param_verifier_v3.go,
 *       fallback_query_param_verifier.go): the first PATCH operation whose single-object
 *       `x-kubernetes-group-version-kind` matches decides: a `fieldValidation` parameter
 *       `in: query` → supported, kubectl skips client-side schema validation and relies on
 *       `?fieldValidation=Strict`, which it sends on every create/update/patch anyway. No
 *       such parameter → client-side validation (1a). Group/version missing from the index →
 *       CRD check, then Namespace's document. Any other error (404 of the index on the 1.16
 *       persona, or kubectl 1.27's "Path not found for GVK" for create-only kinds such as
 *       TokenReview) → the v2 leg (1b). Decision: the 1.30 persona advertises it on every
 *       POST/PUT/PATCH, as a real 1.30 server does; the emulator accepts the parameter.
 *    b. Client-side apply (patcher.go `gvkSupportsPatchOpenAPIV3`): a matching PATCH whose
 *       requestBody lists application/strategic-merge-patch+json makes kubectl build the
 *       patch from `components.schemas` (needs `components`, else a stderr warning); no
 *       schema with the GVK → nil patch → the v2 path (1c) → compiled-in types. So every
 *       document has `components: { schemas: {} }`, and strategic merge is listed only for
 *       built-in API groups (custom resources never accept it).
 *    The hash is kube-openapi's: upper-case hex SHA-512 of the served JSON body, so
 *    `buildOpenApiV3` returns each body together with its hash.
 *
 * Serving (routes live in the HTTP layer):
 *   GET /openapi/v2: `negotiateOpenApiV2(Accept)`: "protobuf" → 200, body `protobuf`,
 *     Content-Type OPENAPI_V2_PROTOBUF_CONTENT_TYPE; "json" → 200, JSON; undefined → 406.
 *   GET /openapi/v3 (1.30 persona): 200 `indexBody`, application/json. 1.16 persona: 404
 *     Status for /openapi/v3 and everything below it; kubectl then quietly uses v2.
 *   GET /openapi/v3/<api/v1 | apis/G/V>: 200 `body`, application/json; unknown → 404.
 *     kube-openapi also sets `Etag: "<hash>"`, and when `?hash=` is given: a different hash
 *     → 301 to the current URL, the same → `Cache-Control: public, immutable` (kubectl's
 *     disk cache then keeps it; safe because the hash is content-derived).
 */
export {
  buildOpenApiV2,
  buildOpenApiV2Json,
  versionHasFieldValidation,
  OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
  negotiateOpenApiV2,
  type OpenApiV2Input,
  type OpenApiV2Document,
} from "./openapi-v2.js";
export {
  buildOpenApiV3,
  buildOpenApiV3Index,
  buildOpenApiV3GroupVersion,
  openApiV3Hash,
  serializeOpenApiV3,
  groupVersionApiPath,
  type OpenApiV3GroupVersionInput,
  type OpenApiV3Served,
  type OpenApiV3Set,
} from "./openapi-v3.js";
export { encodeSwaggerAsGnostic } from "./gnostic-v2.js";
