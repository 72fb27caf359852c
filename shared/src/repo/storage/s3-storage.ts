import type { GetObjectCommandOutput, S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { LifeboatError } from "../../errors/index.js";
import { blobNotFound, rangeBeyondEnd, validateBlobName, validateBlobPrefix, validateRange } from "./blob-name.js";
import type { BlobInfo, BlobStorage, PutOptions } from "./blob-storage.js";
import { s3Error } from "./s3-errors.js";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3StorageOptions {
  bucket: string;
  /** Key prefix inside the bucket; a missing trailing '/' is added. */
  prefix?: string;
  /** For S3-compatible servers, e.g. http://127.0.0.1:9000. */
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Without these the SDK's default chain applies (environment, profile, instance role). */
  credentials?: S3Credentials;
  /** Attempts per request, first included, under the SDK's retry strategy. Default 8. */
  maxAttempts?: number;
  /** "standard" backs off exponentially; "adaptive" also rate-limits the client after throttling. */
  retryMode?: "standard" | "adaptive";
  /** Longest silence on a socket during one request; a stalled server fails it. Default 60 s. */
  idleTimeoutMs?: number;
  /** Longest a whole request may take, body included. Default none: a large upload on a slow link takes what it takes. */
  requestTimeoutMs?: number;
  /** Longest wait for a TCP connection. Default 10 s. */
  connectionTimeoutMs?: number;
}

const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Blobs as objects in one S3 bucket under a key prefix. Retries (5xx, throttling, timeouts,
 * dropped connections) are the SDK's own strategy; what is left afterwards is UNAVAILABLE.
 * A put is one PutObject, which S3 makes visible whole or not at all.
 */
export class S3Storage implements BlobStorage {
  readonly description: string;
  private readonly config: S3ClientConfig;
  private loaded: Promise<{ sdk: typeof import("@aws-sdk/client-s3"); client: S3Client }> | undefined;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3StorageOptions) {
    if (!BUCKET_NAME.test(options.bucket)) {
      throw new LifeboatError(
        "INVALID_ARGUMENT",
        `S3 storage: bucket ${JSON.stringify(options.bucket)} is not a valid bucket name (3-63 of a-z, 0-9, '.', '-')`,
        { field: "bucket", value: options.bucket },
      );
    }
    const rawPrefix = options.prefix ?? "";
    this.prefix = rawPrefix === "" || rawPrefix.endsWith("/") ? rawPrefix : `${rawPrefix}/`;
    this.bucket = options.bucket;
    this.description = `s3://${this.bucket}/${this.prefix}`;
    validateBlobPrefix(this.prefix, this.description);
    this.config = {
      endpoint: options.endpoint,
      region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryMode: options.retryMode ?? "standard",
      // The SDK builds its NodeHttpHandler from these options. Each timeout fails the attempt
      // with a TimeoutError, which the retry strategy retries. Without throwOnRequestTimeout a
      // request past requestTimeout only logs a warning and waits on.
      requestHandler: {
        socketTimeout: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        requestTimeout: options.requestTimeoutMs,
        throwOnRequestTimeout: true,
        connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      },
    };
  }

  // The SDK takes a third of a second to load; commands that never touch S3 must not pay for it.
  private async sdk(): Promise<{ sdk: typeof import("@aws-sdk/client-s3"); client: S3Client }> {
    this.loaded ??= import("@aws-sdk/client-s3").then((sdk) => ({ sdk, client: new sdk.S3Client(this.config) }));
    return this.loaded;
  }

  async put(name: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    validateBlobName(name, this.description);
    const lock = options.retainUntil
      ? { ObjectLockMode: "COMPLIANCE" as const, ObjectLockRetainUntilDate: options.retainUntil }
      : {};
    try {
      const { sdk, client } = await this.sdk();
      await client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: this.key(name), Body: data, ...lock }));
    } catch (err) {
      throw s3Error(err, "put", name, this.description);
    }
  }

  async get(name: string): Promise<Uint8Array> {
    validateBlobName(name, this.description);
    try {
      const { sdk, client } = await this.sdk();
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.key(name) }));
      return await bodyOf(out);
    } catch (err) {
      throw s3Error(err, "get", name, this.description);
    }
  }

  async getRange(name: string, offset: number, length: number): Promise<Uint8Array> {
    validateBlobName(name, this.description);
    validateRange(name, offset, length, this.description);
    if (length === 0) {
      // HTTP ranges cannot be empty; the blob must still exist and reach the offset.
      const info = await this.head(name);
      if (!info) throw blobNotFound(name, this.description);
      if (offset > info.size) throw rangeBeyondEnd(name, offset, length, info.size, this.description);
      return new Uint8Array(0);
    }
    try {
      const range = `bytes=${offset}-${offset + length - 1}`;
      const { sdk, client } = await this.sdk();
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.key(name), Range: range }));
      let bytes = await bodyOf(out);
      // A server that ignores Range answers 200 with the whole object.
      if (out.ContentRange === undefined && bytes.length > length) bytes = bytes.subarray(offset, offset + length);
      if (bytes.length < length) throw rangeBeyondEnd(name, offset, length, totalSize(out.ContentRange), this.description);
      return bytes;
    } catch (err) {
      throw s3Error(err, "getRange", name, this.description);
    }
  }

  async head(name: string): Promise<BlobInfo | undefined> {
    validateBlobName(name, this.description);
    try {
      const { sdk, client } = await this.sdk();
      const out = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.key(name) }));
      return { name, size: out.ContentLength ?? 0, modified: out.LastModified ?? new Date(0) };
    } catch (err) {
      const mapped = s3Error(err, "head", name, this.description);
      if (mapped.code === "NOT_FOUND") return undefined;
      throw mapped;
    }
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    validateBlobPrefix(prefix, this.description);
    try {
      const { sdk, client } = await this.sdk();
      const pages = sdk.paginateListObjectsV2({ client }, { Bucket: this.bucket, Prefix: this.key(prefix) });
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (object.Key === undefined || !object.Key.startsWith(this.prefix)) continue;
          yield { name: object.Key.slice(this.prefix.length), size: object.Size ?? 0, modified: object.LastModified ?? new Date(0) };
        }
      }
    } catch (err) {
      throw s3Error(err, "list", prefix, this.description);
    }
  }

  async delete(name: string): Promise<void> {
    validateBlobName(name, this.description);
    try {
      const { sdk, client } = await this.sdk();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(name) }));
    } catch (err) {
      const mapped = s3Error(err, "delete", name, this.description);
      if (mapped.code !== "NOT_FOUND") throw mapped;
    }
  }

  async close(): Promise<void> {
    if (this.loaded) (await this.loaded).client.destroy();
  }

  private key(name: string): string {
    return this.prefix + name;
  }
}

async function bodyOf(out: GetObjectCommandOutput): Promise<Uint8Array> {
  return out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
}

/** The total from a Content-Range header ("bytes 0-99/1234"), if the server sent one. */
function totalSize(contentRange: string | undefined): number | undefined {
  const total = contentRange?.split("/")[1];
  return total && total !== "*" ? Number(total) : undefined;
}
