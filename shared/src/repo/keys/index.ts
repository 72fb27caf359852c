export { sealWithKey, openWithKey, SEAL_OVERHEAD, NONCE_BYTES, TAG_BYTES } from "./seal.js";
export { deriveRepositoryKeys, MASTER_KEY_BYTES, type RepositoryKeys } from "./derive-keys.js";
export {
  REPOSITORY_CONFIG_BLOB,
  REPOSITORY_FORMAT,
  isRepositoryId,
  isKeyId,
  type RepositoryConfig,
  type KeySlot,
  type ScryptParams,
} from "./repository-config.js";
export { DEFAULT_SCRYPT_COST, type NewSlotOptions, type ScryptCost } from "./key-slot.js";
export {
  initRepositoryConfig,
  unlockRepository,
  readRepositoryConfig,
  addKey,
  changePassword,
  removeKey,
  listKeys,
  type UnlockedRepository,
  type KeySlotInfo,
} from "./repository-keys.js";
