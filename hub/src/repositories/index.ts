export type { RepositoryDirectory } from "./directory-types.js";
export { loadOrCreateSecretKey, SECRET_KEY_FILE } from "./secret-key.js";
export { sealCredentials, openCredentials, credentialNames } from "./credential-cipher.js";
export { checkDnsLabel } from "./dns-label.js";
export { repositoryKeys, type RepositoryKeys } from "./repository-keys.js";
export { RepositoryStore, type RepositoryRecord } from "./repository-store.js";
export { RepositoryRegistry, toWireRepository, type RepositoryCheck, type RepositoryRegistryOptions } from "./repository-registry.js";
export { openRepositoryReadOnly } from "./open-repository.js";
export { openRepositoryRegistry, type OpenRepositoryRegistryOptions } from "./open-repository-registry.js";
