import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FilesystemStorage, S3Storage, type S3StorageOptions } from "../../../shared/src/repo/storage/index.js";
import { startS3FaultProxy, type S3FaultProxy } from "../../harness/src/s3-fault-proxy.js";
import { startS3Server, type RunningS3Server } from "../../harness/src/s3-server.js";
import { failure } from "../../../shared/src/testing/failure.js";

const run = promisify(execFile);
const MiB = 1024 * 1024;

describe("S3Storage through a faulty network", () => {
  let server: RunningS3Server;
  let proxy: S3FaultProxy;
  const open: S3Storage[] = [];

  beforeAll(async () => {
    server = await startS3Server();
    proxy = await startS3FaultProxy(server.endpoint);
  });
  afterAll(async () => {
    for (const storage of open) await storage.close();
    await proxy?.stop();
    await server?.stop();
  });

  /** Storage through the proxy and, for checking what really landed, straight to the server. */
  async function storages(options: Partial<S3StorageOptions> = {}) {
    const bucket = `faults-${randomBytes(6).toString("hex")}`;
    await server.createBucket(bucket);
    const base = {
      bucket,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    };
    const viaProxy = new S3Storage({ ...base, endpoint: proxy.endpoint, ...options });
    const direct = new S3Storage({ ...base, endpoint: server.endpoint, maxAttempts: 1 });
    open.push(viaProxy, direct);
    proxy.heal();
    return { viaProxy, direct };
  }

  it("puts and gets a blob after two 503 SlowDown answers", async () => {
    const { viaProxy, direct } = await storages();
    const data = new Uint8Array(randomBytes(1 * MiB));
    const before = proxy.faulted;
    proxy.failNext(2, "slow-down");
    await viaProxy.put("packs/aa/slow", data);
    expect(proxy.faulted - before).toBe(2);
    expect(Buffer.from(await direct.get("packs/aa/slow")).equals(data)).toBe(true);
    proxy.failNext(2, "slow-down");
    expect(Buffer.from(await viaProxy.get("packs/aa/slow")).equals(data)).toBe(true);
    expect(proxy.faulted - before).toBe(4);
  });

  it("reads a range and lists after 500 InternalError answers", async () => {
    const { viaProxy, direct } = await storages();
    const data = new Uint8Array(randomBytes(64 * 1024));
    await direct.put("index/one", data);
    const before = proxy.faulted;
    proxy.failNext(3, "internal-error");
    expect(Buffer.from(await viaProxy.getRange("index/one", 1000, 5000)).equals(data.subarray(1000, 6000))).toBe(true);
    proxy.failNext(1, "internal-error");
    expect((await collectNames(viaProxy, "index/"))).toEqual(["index/one"]);
    expect(proxy.faulted - before).toBe(4);
  });

  it("lists past S3's 1000-key page when the request for the second page fails once", async () => {
    const { viaProxy, direct } = await storages();
    const names = Array.from({ length: 1050 }, (_, i) => `index/${String(i).padStart(4, "0")}`);
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((name) => direct.put(name, Uint8Array.of(1))));
    const requestsBefore = proxy.requests;
    const faultedBefore = proxy.faulted;
    const listed: string[] = [];
    for await (const blob of viaProxy.list("index/")) {
      // The first page is in hand; the next request the proxy sees is for the second page.
      if (listed.length === 0) proxy.failNext(1, "internal-error");
      listed.push(blob.name);
    }
    expect(listed.sort()).toEqual(names);
    expect(proxy.faulted - faultedBefore).toBe(1);
    expect(proxy.requests - requestsBefore).toBe(3);
  });

  it("puts after dropped connections and a stalled request", async () => {
    const { viaProxy, direct } = await storages({ idleTimeoutMs: 500 });
    const before = proxy.faulted;
    proxy.failNext(2, "drop");
    await viaProxy.put("locks/a", Uint8Array.of(1, 2, 3));
    proxy.failNext(1, "stall");
    await viaProxy.put("locks/b", Uint8Array.of(4, 5, 6));
    expect(proxy.faulted - before).toBe(3);
    expect(await direct.get("locks/a")).toEqual(Uint8Array.of(1, 2, 3));
    expect(await direct.get("locks/b")).toEqual(Uint8Array.of(4, 5, 6));
  });

  it("fails UNAVAILABLE and retryable, leaving no object, when 500s outlast the retries", async () => {
    const { viaProxy, direct } = await storages({ maxAttempts: 3 });
    const before = proxy.faulted;
    proxy.failFor(60_000, "internal-error");
    const err = await failure(viaProxy.put("packs/bb/lost", new Uint8Array(2 * MiB)));
    proxy.heal();
    expect(err).toMatchObject({ code: "UNAVAILABLE", retryable: true, field: "blob", value: "packs/bb/lost" });
    expect(err.message).toMatch(/InternalError \(HTTP 500\)/);
    expect(err.message).toContain("after 3 attempts");
    expect(err.message).not.toContain(server.secretAccessKey);
    // The SDK's strategy made exactly maxAttempts tries.
    expect(proxy.faulted - before).toBe(3);
    expect(await direct.head("packs/bb/lost")).toBeUndefined();
  });

  it("fails UNAVAILABLE naming SlowDown when throttling outlasts the retries", async () => {
    const { viaProxy } = await storages({ maxAttempts: 2 });
    proxy.failNext(2, "slow-down");
    await expect(viaProxy.get("packs/cc/any")).rejects.toMatchObject({ code: "UNAVAILABLE", retryable: true, message: expect.stringMatching(/SlowDown \(HTTP 503\)/) });
  });
});

describe("FilesystemStorage on a full disk", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-full-"));
    // A 2 MiB tmpfs is a disk that a 4 MiB blob cannot fit on. Needs root, which the suite has.
    await run("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", dir]);
  });
  afterAll(async () => {
    await run("umount", [dir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it("fails a put with a clear, non-retryable disk-full error and leaves no partial blob or temporary file", async () => {
    const storage = new FilesystemStorage(dir);
    const err = await failure(storage.put("packs/dd/big", new Uint8Array(4 * MiB).fill(7)));
    expect(err).toMatchObject({ code: "UNAVAILABLE", retryable: false, field: "blob", value: "packs/dd/big" });
    expect(err.message).toContain("disk is full");
    expect(err.message).toContain(storage.description);
    expect(await readdir(join(dir, "packs", "dd"))).toEqual([]);
    expect(await storage.head("packs/dd/big")).toBeUndefined();
    // The space the failed write took is free again.
    await storage.put("packs/dd/small", new Uint8Array(1 * MiB));
    expect((await storage.head("packs/dd/small"))?.size).toBe(MiB);
  });
});

async function collectNames(storage: S3Storage, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of storage.list(prefix)) names.push(blob.name);
  return names.sort();
}
