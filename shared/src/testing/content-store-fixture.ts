// The real content store on the filesystem backend in a temp directory, for object-layer tests.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContentStore } from "../repo/content/index.js";
import type { ContentReader, ContentWriter } from "../repo/object/content-access.js";
import { FilesystemStorage } from "../repo/storage/index.js";

export interface TestContentStore extends ContentWriter, ContentReader {
  close(): Promise<void>;
  /** Distinct contents stored. */
  count(): number;
}

export interface TestContentStoreOptions {
  /** Worker threads (default 0: inline, fastest for small tests). */
  workers?: number;
}

export async function openTestContentStore(options: TestContentStoreOptions = {}): Promise<TestContentStore & { store: ContentStore }> {
  const dir = await mkdtemp(join(tmpdir(), "lifeboat-content-"));
  const store = await ContentStore.open(new FilesystemStorage(dir), { contentIdKey: randomBytes(32), encryptionKey: randomBytes(32) }, { workers: options.workers ?? 0, packSize: 256 * 1024 });
  // Distinct ids accepted, counted here because the store counts a blob only once it is sealed.
  const seen = new Set<string>();
  return {
    store,
    async putContent(kind, data) {
      const id = await store.putContent(kind, data);
      seen.add(id);
      return id;
    },
    getContent: (id) => store.getContent(id),
    async close() {
      try {
        await store.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    count: () => seen.size,
  };
}
