export type { BlobInfo, BlobStorage, PutOptions } from "./blob-storage.js";
export { validateBlobName, validateBlobPrefix } from "./blob-name.js";
export { FilesystemStorage } from "./filesystem-storage.js";
export { S3Storage, type S3Credentials, type S3StorageOptions } from "./s3-storage.js";
export { openStorage, redactUrl, type OpenStorageOptions } from "./storage-url.js";
export { FaultyStorage, type Fault, type StorageOperation } from "./faulty-storage.js";
