// Which repository a command works on, and opening it so that it is always closed again.
import { hostname } from "node:os";
import { LifeboatError, Repository, openStorage, type BlobStorage, type OpenRepositoryOptions } from "@lifeboat/shared/repo";
import type { Command } from "commander";
import { readPassword } from "./password.js";

export const REPO_ENV = "LIFEBOAT_REPO";

export interface RepoOptions {
  repo?: string;
  passwordFile?: string;
}

/** Adds `--repo URL` and `--password-file F` to a command. */
export function withRepoOptions(command: Command, password = true): Command {
  command.option("--repo <url>", `the repository: file:///path or s3://bucket/prefix?endpoint=…&region=…&pathStyle=true (default: $${REPO_ENV})`);
  if (password) command.option("--password-file <file>", "file holding the repository password; one trailing newline is ignored (default: $LIFEBOAT_REPO_PASSWORD)");
  return command;
}

/** The host name recorded in snapshots and key slots. */
export const HOST = hostname();

/** The storage named by --repo or LIFEBOAT_REPO; INVALID_ARGUMENT when neither is given or the URL is bad. */
export function openRepoStorage(options: RepoOptions): BlobStorage {
  const url = options.repo ?? process.env[REPO_ENV];
  if (url === undefined || url === "") {
    throw new LifeboatError("INVALID_ARGUMENT", `a repository is required: pass --repo URL or set ${REPO_ENV}`, { field: "--repo" });
  }
  return openStorage(url);
}

/** Runs `fn` on the storage, closing it afterwards. */
export async function withStorage<T>(options: RepoOptions, fn: (storage: BlobStorage) => Promise<T>): Promise<T> {
  const storage = openRepoStorage(options);
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

/**
 * Opens the repository with the password from the options and runs `fn`. On success everything
 * pending is stored and the writer lease released; on failure pending work is dropped (nothing
 * half-written is committed) and the lease released too.
 */
export async function withRepository<T>(options: RepoOptions, open: OpenRepositoryOptions, fn: (repo: Repository) => Promise<T>): Promise<T> {
  return withStorage(options, async (storage) => {
    const password = await readPassword(options.passwordFile);
    const repo = await Repository.open(storage, password, open);
    let result: T;
    try {
      result = await fn(repo);
    } catch (err) {
      await repo.abort().catch(() => undefined);
      throw err;
    }
    await repo.close();
    return result;
  });
}
