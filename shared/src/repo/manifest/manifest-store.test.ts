import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BlobStorage } from "../storage/blob-storage.js";
import { FilesystemStorage } from "../storage/filesystem-storage.js";
import { sealWithKey } from "../keys/index.js";
import { ManifestStore } from "./manifest-store.js";
import { newRecordId } from "./record-names.js";
import { failure } from "../../testing/failure.js";

let dir: string;
let storage: BlobStorage;
let store: ManifestStore;
const key = randomBytes(32);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-manifest-"));
  storage = new FilesystemStorage(dir);
  store = new ManifestStore(storage, key);
});
afterEach(async () => {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

describe("ManifestStore", () => {
  it("round-trips any JSON record", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (record) => {
        const name = `backups/${newRecordId()}/results`;
        await store.put(name, record);
        // JSON has no -0; what comes back is what JSON.stringify kept.
        expect(await store.get(name)).toEqual(JSON.parse(JSON.stringify(record)));
      }),
      { numRuns: 50 },
    );
  });

  it("stores records encrypted: the plaintext never appears in the blob", async () => {
    const name = `snapshots/${newRecordId()}`;
    await store.put(name, { host: "very-recognisable-host" });
    expect(Buffer.from(await storage.get(name)).toString("latin1")).not.toContain("very-recognisable-host");
  });

  it("compresses a large record (a manifest's item index) and still reads records written plain", async () => {
    const name = `backups/${newRecordId()}/manifest`;
    const items = Array.from({ length: 2000 }, (_, i) => ({ group: "apps", version: "v1", resource: "deployments", namespace: `ns-${i % 50}`, name: `web-${i}` }));
    await store.put(name, { items });
    const stored = await storage.get(name);
    expect(stored.length).toBeLessThan(JSON.stringify(items).length / 5);
    expect(await store.get(name)).toEqual({ items });
    // A record as an earlier Lifeboat wrote it: the envelope's JSON sealed as it is.
    const plainName = `backups/${newRecordId()}/results`;
    const envelope = Buffer.from(JSON.stringify({ version: 1, record: { items } }), "utf8");
    await storage.put(plainName, sealWithKey(key, envelope, Buffer.from(plainName, "utf8")));
    expect(await store.get(plainName)).toEqual({ items });
  });

  it("reports CORRUPT, naming the record, when any byte of a sealed record is flipped", async () => {
    const name = `snapshots/${newRecordId()}`;
    await store.put(name, { tree: "a".repeat(64), paths: ["/data"] });
    const sealed = Buffer.from(await storage.get(name));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: sealed.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const changed = Buffer.from(sealed);
        changed[at]! ^= mask;
        await storage.put(name, changed);
        const err = await failure(store.get(name));
        expect(err.code).toBe("CORRUPT");
        expect(err.message).toContain(`record ${name}`);
        expect(err.message).toContain("failed authentication");
      }),
      { numRuns: 100 },
    );
  });

  it("reports CORRUPT when two records' bytes are swapped", async () => {
    const a = `backups/${newRecordId()}/manifest`;
    const b = `backups/${newRecordId()}/manifest`;
    await store.put(a, { which: "a" });
    await store.put(b, { which: "b" });
    const [bytesA, bytesB] = [await storage.get(a), await storage.get(b)];
    await storage.put(a, bytesB);
    await storage.put(b, bytesA);
    expect((await failure(store.get(a))).code).toBe("CORRUPT");
    expect((await failure(store.get(b))).code).toBe("CORRUPT");
  });

  it("reports CORRUPT for a record sealed under another key", async () => {
    const name = `snapshots/${newRecordId()}`;
    await new ManifestStore(storage, randomBytes(32)).put(name, { x: 1 });
    expect((await failure(store.get(name))).code).toBe("CORRUPT");
  });

  it("reports NOT_FOUND, naming the record, for a missing one", async () => {
    const name = `snapshots/${newRecordId()}`;
    const err = await failure(store.get(name));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toContain(name);
  });

  it("lists record names by prefix without touching other blobs", async () => {
    const snapshot = `snapshots/${newRecordId()}`;
    const backupId = newRecordId();
    await store.put(snapshot, 1);
    await store.put(`backups/${backupId}/log`, 2);
    await store.put(`backups/${backupId}/manifest`, 3);
    await store.put(`restores/${newRecordId()}/results`, 4);
    await storage.put("packs/ab/abcdef", Buffer.from("not a record"));
    await storage.put("snapshots/not-an-id", Buffer.from("stray"));
    expect(await store.list("snapshots/")).toEqual([snapshot]);
    expect(await store.list(`backups/${backupId}/`)).toEqual([`backups/${backupId}/log`, `backups/${backupId}/manifest`]);
    expect(await store.list("")).toHaveLength(4);
    expect(await store.list("packs/")).toEqual([]);
  });

  it("deletes a record, and deleting it again is not an error", async () => {
    const name = `snapshots/${newRecordId()}`;
    await store.put(name, { x: 1 });
    await store.delete(name);
    await store.delete(name);
    expect(await store.list("snapshots/")).toEqual([]);
  });

  it.each(["snapshots/abc", "packs/ab/cd", `backups/${"0".repeat(32)}/other`, "../repository.json", `restores/${"0".repeat(32)}/Bad`])(
    "refuses the record name %s as INVALID_ARGUMENT",
    async (name) => {
      expect((await failure(store.put(name, {}))).code).toBe("INVALID_ARGUMENT");
      expect((await failure(store.get(name))).code).toBe("INVALID_ARGUMENT");
      expect((await failure(store.delete(name))).code).toBe("INVALID_ARGUMENT");
    },
  );

  it("refuses a value JSON cannot hold, writing nothing", async () => {
    const name = `snapshots/${newRecordId()}`;
    expect((await failure(store.put(name, undefined))).code).toBe("INVALID_ARGUMENT");
    expect((await failure(store.put(name, { n: 1n }))).code).toBe("INVALID_ARGUMENT");
    expect(await storage.head(name)).toBeUndefined();
  });
});
