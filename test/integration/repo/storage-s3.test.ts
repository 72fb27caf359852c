import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3Storage, openStorage } from "../../../shared/src/repo/storage/index.js";
import { collect, describeStorageConformance } from "../../../shared/src/testing/storage-conformance.js";
import { startS3Server, type RunningS3Server } from "../../harness/src/s3-server.js";

let server: RunningS3Server;
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  await server?.stop();
});

/** A fresh bucket for each test, so no test sees another's blobs. */
async function freshBucket(): Promise<string> {
  const bucket = `storage-${randomBytes(6).toString("hex")}`;
  await server.createBucket(bucket);
  return bucket;
}

const credentials = () => ({ accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });

describeStorageConformance("S3Storage", async () => {
  const storage = new S3Storage({
    bucket: await freshBucket(),
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: credentials(),
  });
  // The server keeps objects in memory until it stops; each bucket is used once.
  return { storage, cleanup: () => storage.close() };
});

describeStorageConformance("S3Storage under a key prefix, opened by URL", async () => {
  const url = `s3://${await freshBucket()}/fleet-a/repo?endpoint=${encodeURIComponent(server.endpoint)}&region=${server.region}&pathStyle=true`;
  const storage = openStorage(url, { credentials: credentials() });
  return { storage, cleanup: () => storage.close() };
});

describe("S3Storage in a shared bucket", () => {
  it("keeps blobs under its prefix apart from other keys in the bucket", async () => {
    const bucket = await freshBucket();
    const options = { bucket, endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials: credentials() };
    const outside = new S3Storage(options);
    const inside = new S3Storage({ ...options, prefix: "repo" });
    try {
      await outside.put("repo-other/x", Uint8Array.of(1));
      await outside.put("top", Uint8Array.of(2));
      await inside.put("packs/aa/1", Uint8Array.of(3));
      expect((await collect(inside.list(""))).map((b) => b.name)).toEqual(["packs/aa/1"]);
      expect((await collect(outside.list("repo/"))).map((b) => b.name)).toEqual(["repo/packs/aa/1"]);
      expect(inside.description).toBe(`s3://${bucket}/repo/`);
    } finally {
      await inside.close();
      await outside.close();
    }
  });

  it("answers FAILED_PRECONDITION naming the storage when the bucket does not exist", async () => {
    const storage = new S3Storage({
      bucket: "no-such-bucket-here",
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: credentials(),
      maxAttempts: 1,
    });
    try {
      const err = await storage.put("x", Uint8Array.of(1)).catch((e: unknown) => e as Error);
      expect(err).toMatchObject({ code: "FAILED_PRECONDITION" });
      expect(String((err as Error).message)).toContain("s3://no-such-bucket-here/");
      expect(String((err as Error).message)).not.toContain(server.secretAccessKey);
    } finally {
      await storage.close();
    }
  });
});
