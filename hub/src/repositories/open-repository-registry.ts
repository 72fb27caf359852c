import type { Redis } from "ioredis";
import { RepositoryRegistry } from "./repository-registry.js";
import { RepositoryStore } from "./repository-store.js";
import { loadOrCreateSecretKey } from "./secret-key.js";

export interface OpenRepositoryRegistryOptions {
  /** The hub process's command connection. */
  redis: Redis;
  prefix: string;
  /** The hub data directory, where secrets.key is read or made. */
  dataDir: string;
}

/** The registry of one hub process, with its secret key loaded (made on first start). Nothing to close. */
export async function openRepositoryRegistry(options: OpenRepositoryRegistryOptions): Promise<RepositoryRegistry> {
  const secretKey = await loadOrCreateSecretKey(options.dataDir);
  return new RepositoryRegistry({ store: new RepositoryStore({ redis: options.redis, prefix: options.prefix }), secretKey });
}
