// Redis names of repositories and the policies that use them, under the hub's key prefix (see
// store/keys.ts for the convention; these belong there once the repository folder settles).

export interface RepositoryKeys {
  /** HASH, one per repository: the record, credentials sealed (see credential-cipher.ts). */
  repository(name: string): string;
  /** ZSET of repository names, all scored 0, so ZRANGE BYLEX lists them in name order. */
  readonly repositoryNames: string;
  /** SET, one per repository: ids of the policies whose backups go there. */
  repositoryPolicies(name: string): string;
}

export function repositoryKeys(prefix: string): RepositoryKeys {
  return {
    repository: (name) => `${prefix}repository:${name}`,
    repositoryNames: `${prefix}repositories:names`,
    repositoryPolicies: (name) => `${prefix}repository-policies:${name}`,
  };
}
