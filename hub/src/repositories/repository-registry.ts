import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { RepositoryAccessSchema, RepositorySchema, type Repository, type RepositoryAccess, type RepositoryCredentials } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import { checkRepository, listBackups } from "@lifeboat/shared/repo";
import { credentialNames, noCredentials, openCredentials, sealCredentials } from "./credential-cipher.js";
import type { RepositoryDirectory } from "./directory-types.js";
import { checkDnsLabel } from "./dns-label.js";
import { openRepositoryReadOnly } from "./open-repository.js";
import type { RepositoryRecord, RepositoryStore } from "./repository-store.js";

/** What CheckRepository reports. */
export interface RepositoryCheck {
  ok: boolean;
  problems: string[];
  packs: number;
  blobs: number;
  backups: number;
}

export interface RepositoryRegistryOptions {
  store: RepositoryStore;
  /** The hub's secret key (loadOrCreateSecretKey). */
  secretKey: Buffer;
  /** ms since epoch; tests pass their own. */
  now?: () => number;
}

/**
 * The repositories the hub knows: added only once their credentials open them, kept with the
 * credentials sealed, and handed out decrypted only as a task's RepositoryAccess.
 */
export class RepositoryRegistry implements RepositoryDirectory {
  private readonly store: RepositoryStore;
  private readonly secretKey: Buffer;
  private readonly now: () => number;

  constructor(options: RepositoryRegistryOptions) {
    this.store = options.store;
    this.secretKey = options.secretKey;
    this.now = options.now ?? Date.now;
  }

  /**
   * Records `input` once its credentials open the repository it names (read-only). INVALID_ARGUMENT
   * for a bad name or URL, ALREADY_EXISTS for a taken name, UNAUTHENTICATED for a wrong password,
   * UNAVAILABLE when the store cannot be reached: nothing is recorded then. Returns the record
   * as the wire shows it, without credentials.
   */
  async add(input: Repository | undefined): Promise<Repository> {
    if (!input) throw new LifeboatError("INVALID_ARGUMENT", "repository is required", { field: "repository" });
    const name = checkDnsLabel("repository.name", input.name);
    if (input.url === "") throw new LifeboatError("INVALID_ARGUMENT", "repository.url is required: file:///path or s3://bucket/prefix", { field: "repository.url" });
    if (await this.store.isTaken(name)) {
      throw new LifeboatError("ALREADY_EXISTS", `repository "${name}" exists already: choose another name or delete it first`, { field: "repository.name", value: name });
    }
    const credentials = input.credentials ?? noCredentials();
    const repositoryId = await this.probe({ name, url: input.url, credentials });
    const time = this.now();
    const record: RepositoryRecord = {
      name,
      url: input.url,
      description: input.description,
      repositoryId,
      credentialNames: credentialNames(credentials),
      sealedCredentials: sealCredentials(this.secretKey, name, credentials),
      createTime: time,
      updateTime: time,
    };
    await this.store.create(record);
    return toWireRepository(record);
  }

  /** Whether a repository named `name` is recorded. */
  async exists(name: string): Promise<boolean> {
    return this.store.isTaken(name);
  }

  async list(): Promise<Repository[]> {
    return (await this.store.list()).map(toWireRepository);
  }

  /** NOT_FOUND naming `field` when unknown. */
  async get(name: string, field = "name"): Promise<Repository> {
    return toWireRepository(await this.store.require(checkDnsLabel(field, name), field));
  }

  /** Forgets the repository (its data stays); FAILED_PRECONDITION while a policy uses it. */
  async delete(name: string, field = "name"): Promise<void> {
    await this.store.delete(checkDnsLabel(field, name), field);
  }

  /** Opens the repository read-only with its stored credentials and checks its structure. */
  async check(name: string, field = "name"): Promise<RepositoryCheck> {
    const access = await this.accessFor(checkDnsLabel(field, name), field);
    const problems: string[] = [];
    const repo = await openRepositoryReadOnly(access, "", { onCorruptIndex: () => undefined });
    try {
      const report = await checkRepository(repo);
      const backups = await listBackups(repo.manifests);
      problems.push(...report.problems.map((p) => p.message));
      if (repo.id !== (await this.store.require(access.name, field)).repositoryId) {
        problems.push(`repository "${access.name}" now holds repository id ${repo.id}, not the one it had when added: its URL points at another repository`);
      }
      return { ok: problems.length === 0, problems, packs: report.packs, blobs: report.contents, backups: backups.length };
    } finally {
      await repo.close().catch(() => undefined);
      await repo.storage.close().catch(() => undefined);
    }
  }

  /** The URL and decrypted credentials of repository `name`; NOT_FOUND (field "repository") when unknown. */
  async access(name: string): Promise<RepositoryAccess> {
    return this.accessFor(name, "repository");
  }

  private async accessFor(name: string, field: string): Promise<RepositoryAccess> {
    const record = await this.store.get(name);
    if (!record) throw new LifeboatError("NOT_FOUND", `repository "${name}" not found`, { field, value: name });
    const credentials = openCredentials(this.secretKey, record.name, record.sealedCredentials);
    return create(RepositoryAccessSchema, { name: record.name, url: record.url, credentials });
  }

  // Proves the credentials open the repository and reads its id; writes nothing there.
  private async probe(access: { name: string; url: string; credentials: RepositoryCredentials }): Promise<string> {
    const repo = await openRepositoryReadOnly(create(RepositoryAccessSchema, access), "repository.");
    try {
      return repo.id;
    } finally {
      await repo.close().catch(() => undefined);
      await repo.storage.close().catch(() => undefined);
    }
  }
}

/** The wire form, never with credentials: only their names. */
export function toWireRepository(record: RepositoryRecord): Repository {
  return create(RepositorySchema, {
    name: record.name,
    url: record.url,
    description: record.description,
    repositoryId: record.repositoryId,
    credentialNames: record.credentialNames,
    createTime: timestampFromMs(record.createTime),
    updateTime: timestampFromMs(record.updateTime),
  });
}
