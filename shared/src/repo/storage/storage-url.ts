import { fileURLToPath } from "node:url";
import { LifeboatError } from "../../errors/index.js";
import type { BlobStorage } from "./blob-storage.js";
import { FilesystemStorage } from "./filesystem-storage.js";
import { S3Storage, type S3StorageOptions } from "./s3-storage.js";

/** What a URL cannot say: S3 credentials and retry tuning (see S3StorageOptions). */
export type OpenStorageOptions = Pick<
  S3StorageOptions,
  "credentials" | "maxAttempts" | "retryMode" | "idleTimeoutMs" | "requestTimeoutMs" | "connectionTimeoutMs"
>;

const S3_PARAMETERS = new Set(["endpoint", "region", "pathStyle"]);
// Query parameters whose values may be secrets: never echoed, and never accepted.
const SECRET_LIKE = /key|secret|token|password|credential|signature|auth/i;

/**
 * Opens the storage a URL names:
 * - `file:///abs/path`: FilesystemStorage rooted there.
 * - `s3://bucket[/prefix]?endpoint=http://host:port&region=us-east-1&pathStyle=true`: S3Storage.
 * Throws INVALID_ARGUMENT (field "url") for anything else; the message never repeats a credential.
 */
export function openStorage(url: string, options: OpenStorageOptions = {}): BlobStorage {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw badUrl(url, "it is not a URL; expected file:///path or s3://bucket/prefix", err);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw badUrl(url, "it carries credentials; pass them in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) instead");
  }
  for (const key of parsed.searchParams.keys()) {
    if (SECRET_LIKE.test(key)) throw badUrl(url, `query parameter "${key}" looks like a credential; pass credentials in the environment instead`);
  }
  if (parsed.protocol === "file:") return openFile(url, parsed);
  if (parsed.protocol === "s3:") return new S3Storage(s3Options(url, parsed, options));
  throw badUrl(url, `scheme "${parsed.protocol.slice(0, -1)}" is not supported; use file: or s3:`);
}

function openFile(url: string, parsed: URL): FilesystemStorage {
  if (parsed.host !== "") throw badUrl(url, `file URLs must name a local path (file:///path), not host "${parsed.host}"`);
  if (parsed.search !== "") throw badUrl(url, "file URLs take no query parameters");
  let path: string;
  try {
    path = fileURLToPath(parsed);
  } catch (err) {
    throw badUrl(url, "it does not name a local path", err);
  }
  if (path === "/") throw badUrl(url, "the filesystem root cannot be a repository; name a directory");
  return new FilesystemStorage(path);
}

function s3Options(url: string, parsed: URL, options: OpenStorageOptions): S3StorageOptions {
  const bucket = parsed.hostname;
  if (bucket === "") throw badUrl(url, "no bucket; expected s3://bucket/optional/prefix");
  if (parsed.port !== "") throw badUrl(url, "a port belongs in the endpoint parameter, not after the bucket");
  for (const key of parsed.searchParams.keys()) {
    if (!S3_PARAMETERS.has(key)) throw badUrl(url, `unknown query parameter "${key}"; known: ${[...S3_PARAMETERS].join(", ")}`);
  }
  const endpoint = parsed.searchParams.get("endpoint") ?? undefined;
  if (endpoint !== undefined) {
    let endpointUrl: URL | undefined;
    try {
      endpointUrl = new URL(endpoint);
    } catch {
      endpointUrl = undefined;
    }
    if (!endpointUrl || (endpointUrl.protocol !== "http:" && endpointUrl.protocol !== "https:")) {
      throw badUrl(url, "endpoint must be an http:// or https:// URL");
    }
    if (endpointUrl.username !== "" || endpointUrl.password !== "") throw badUrl(url, "the endpoint carries credentials; pass them in the environment instead");
  }
  const pathStyle = parsed.searchParams.get("pathStyle");
  if (pathStyle !== null && pathStyle !== "true" && pathStyle !== "false") {
    throw badUrl(url, `pathStyle must be true or false, not "${pathStyle}"`);
  }
  const prefix = decodeURIComponent(parsed.pathname.replace(/^\/+/, ""));
  return {
    ...options,
    bucket,
    prefix,
    endpoint,
    region: parsed.searchParams.get("region") ?? undefined,
    forcePathStyle: pathStyle === null ? undefined : pathStyle === "true",
  };
}

function badUrl(url: string, problem: string, cause?: unknown): LifeboatError {
  const shown = redactUrl(url);
  return new LifeboatError("INVALID_ARGUMENT", `storage URL ${JSON.stringify(shown)} is not valid: ${problem}`, {
    field: "url",
    value: shown,
    cause,
  });
}

/** The URL with user info and the values of credential-like query parameters replaced by "***". */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Unparseable: keep only what comes before any user info or query, which hold secrets if anything does.
    return url.replace(/\/\/[^/@]*@/, "//***@").replace(/[?#].*$/, "?***");
  }
  if (parsed.username !== "" || parsed.password !== "") {
    parsed.username = "***";
    parsed.password = "";
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_LIKE.test(key)) parsed.searchParams.set(key, "***");
  }
  // Endpoint values may carry user info too.
  const endpoint = parsed.searchParams.get("endpoint");
  if (endpoint !== null && endpoint.includes("@")) parsed.searchParams.set("endpoint", redactUrl(endpoint));
  return parsed.href;
}
