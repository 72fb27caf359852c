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
