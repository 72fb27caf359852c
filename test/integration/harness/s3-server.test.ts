import { randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  type CompletedPart,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type RunningS3Server } from "../../harness/src/s3-server.js";

const Bucket = "lifeboat-harness";
const MiB = 1024 * 1024;

function clientFor(server: RunningS3Server): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    maxAttempts: 1,
  });
}

/** The error an S3 call fails with, for asserting on its name and HTTP status. */
async function failure(call: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await call;
  } catch (err) {
    if (err instanceof S3ServiceException) return err;
    throw err;
  }
  throw new Error("expected the S3 call to fail");
}

describe("startS3Server", () => {
  let server: RunningS3Server;
  let s3: S3Client;

  async function getBytes(Key: string, Range?: string): Promise<{ body: Buffer; status?: number; contentRange?: string }> {
    const res = await s3.send(new GetObjectCommand({ Bucket, Key, Range }));
    const body = Buffer.from(await res.Body!.transformToByteArray());
    return { body, status: res.$metadata.httpStatusCode, contentRange: res.ContentRange };
  }

  async function put(Key: string, Body: Buffer | string): Promise<string | undefined> {
    return (await s3.send(new PutObjectCommand({ Bucket, Key, Body }))).ETag;
  }

  async function listAll(Prefix: string): Promise<string[]> {
    const res = await s3.send(new ListObjectsV2Command({ Bucket, Prefix }));
    return (res.Contents ?? []).map((o) => o.Key!);
  }

  beforeAll(async () => {
    server = await startS3Server();
    s3 = clientFor(server);
    await server.createBucket(Bucket);
  });

  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  it("listens on loopback only", () => {
    expect(new URL(server.endpoint).hostname).toBe("127.0.0.1");
  });

  it("PutObject then GetObject returns the same bytes", async () => {
    const data = randomBytes(MiB + 123);
    await put("put/blob", data);
    const { body } = await getBytes("put/blob");
    expect(body.equals(data)).toBe(true);
  });

  it("ranged GetObject returns exactly bytes a-b", async () => {
    const data = randomBytes(4096);
    await put("range/blob", data);

    const middle = await getBytes("range/blob", "bytes=100-1123");
    expect(middle.status).toBe(206);
    expect(middle.contentRange).toBe("bytes 100-1123/4096");
    expect(middle.body.equals(data.subarray(100, 1124))).toBe(true);

    const last = await getBytes("range/blob", "bytes=4000-4095");
    expect(last.body.equals(data.subarray(4000))).toBe(true);
  });

  it("HeadObject reports size and ETag, and 404 for a missing key", async () => {
    const etag = await put("head/blob", randomBytes(777));
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "head/blob" }));
    expect(head.ContentLength).toBe(777);
    expect(head.ETag).toBe(etag);

    const missing = await failure(s3.send(new HeadObjectCommand({ Bucket, Key: "head/missing" })));
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it("GetObject of a missing key fails with NoSuchKey", async () => {
    const err = await failure(s3.send(new GetObjectCommand({ Bucket, Key: "get/missing" })));
    expect(err.name).toBe("NoSuchKey");
    expect(err.$metadata.httpStatusCode).toBe(404);
  });

  it("ListObjectsV2 pages with MaxKeys and ContinuationToken join to the full sorted key set", async () => {
    // Written out of order so the server's sorting is what is tested.
    const keys = Array.from({ length: 25 }, (_, i) => `page/key-${String(i).padStart(2, "0")}`);
    for (const key of [...keys].reverse()) await put(key, key);

    const pages: string[][] = [];
    let ContinuationToken: string | undefined;
    do {
      const res = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "page/", MaxKeys: 10, ContinuationToken }));
      const page = (res.Contents ?? []).map((o) => o.Key!);
      pages.push(page);
      expect(res.KeyCount).toBe(page.length);
      ContinuationToken = res.IsTruncated ? res.NextContinuationToken : undefined;
      if (res.IsTruncated) expect(ContinuationToken).toBeTruthy();
    } while (ContinuationToken && pages.length < 10);

    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual([...keys].sort());
  });

  it("ListObjectsV2 with Delimiter folds keys into CommonPrefixes", async () => {
    for (const key of ["tree/a/1", "tree/a/2", "tree/a/deep/3", "tree/b/1", "tree/top"]) await put(key, key);
    const res = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "tree/", Delimiter: "/" }));
    expect((res.CommonPrefixes ?? []).map((p) => p.Prefix)).toEqual(["tree/a/", "tree/b/"]);
    expect((res.Contents ?? []).map((o) => o.Key)).toEqual(["tree/top"]);

    const nested = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "tree/a/", Delimiter: "/" }));
    expect((nested.CommonPrefixes ?? []).map((p) => p.Prefix)).toEqual(["tree/a/deep/"]);
    expect((nested.Contents ?? []).map((o) => o.Key)).toEqual(["tree/a/1", "tree/a/2"]);
  });

  it("multipart upload of 5 MiB parts and a short last part reassembles the bytes", async () => {
    const Key = "multipart/blob";
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1234)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    expect(UploadId).toBeTruthy();

    const completed: CompletedPart[] = [];
    for (const [i, Body] of parts.entries()) {
      const { ETag } = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body }));
      completed.push({ ETag, PartNumber: i + 1 });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: completed } }));

    const whole = Buffer.concat(parts);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
    expect(head.ContentLength).toBe(whole.length);
    const { body } = await getBytes(Key);
    expect(body.equals(whole)).toBe(true);
  });

  it("parts and single PUTs larger than 11 MiB are accepted", async () => {
    // fauxqs' own body limit is 11 MiB; the harness raises it (see S3-SERVER.md).
    const Key = "multipart/large-part";
    const parts = [randomBytes(16 * MiB), randomBytes(10)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const completed: CompletedPart[] = [];
    for (const [i, Body] of parts.entries()) {
      const { ETag } = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body }));
      completed.push({ ETag, PartNumber: i + 1 });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: completed } }));
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key }))).ContentLength).toBe(16 * MiB + 10);

    const single = randomBytes(24 * MiB);
    await put("put/large", single);
    expect((await getBytes("put/large")).body.equals(single)).toBe(true);
  });

  it("AbortMultipartUpload leaves no object and refuses further parts", async () => {
    const Key = "multipart/aborted";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: randomBytes(5 * MiB) }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));

    const head = await failure(s3.send(new HeadObjectCommand({ Bucket, Key })));
    expect(head.$metadata.httpStatusCode).toBe(404);
    expect(await listAll("multipart/aborted")).toEqual([]);

    const late = await failure(s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: "late" })));
    expect(late.name).toBe("NoSuchUpload");
    expect(late.$metadata.httpStatusCode).toBe(404);

    const complete = await failure(
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [{ ETag, PartNumber: 1 }] } })),
    );
    expect(complete.name).toBe("NoSuchUpload");
    expect(await listAll("multipart/aborted")).toEqual([]);
  });

  it("DeleteObject removes one key", async () => {
    await put("delete/one", "x");
    await put("delete/keep", "y");
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "delete/one" }));

    const head = await failure(s3.send(new HeadObjectCommand({ Bucket, Key: "delete/one" })));
    expect(head.$metadata.httpStatusCode).toBe(404);
    expect(await listAll("delete/")).toEqual(["delete/keep"]);
  });

  it("DeleteObjects removes exactly the listed keys", async () => {
    const doomed = ["bulk/a", "bulk/b", "bulk/c/d"];
    for (const key of [...doomed, "bulk/survivor"]) await put(key, key);

    const res = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: doomed.map((Key) => ({ Key })) } }));
    expect(res.Errors ?? []).toEqual([]);
    expect((res.Deleted ?? []).map((d) => d.Key).sort()).toEqual(doomed);
    expect(await listAll("bulk/")).toEqual(["bulk/survivor"]);
  });

  it("stop ends the server process and frees its port", async () => {
    const other = await startS3Server();
    expect(other.endpoint).not.toBe(server.endpoint);
    await other.createBucket("short-lived");
    await other.stop();
    await other.stop(); // idempotent

    let alive = true;
    try {
      process.kill(other.pid, 0);
    } catch {
      alive = false;
    }
    expect(alive).toBe(false);
    await expect(fetch(other.endpoint)).rejects.toThrow();
  });
});
