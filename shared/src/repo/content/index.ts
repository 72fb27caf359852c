export { ContentStore, type ContentKeys, type ContentStats, type ContentStoreOptions } from "./content-store.js";
export { ContentHasher, isContentId, parseContentId, CONTENT_KINDS, type ContentId, type ContentKind } from "./content-id.js";
export type { IndexEntry } from "./index-entry.js";
export { PACKS_PREFIX, decodePackHeader, packBlobName, packIdFromBlobName, type PackId } from "./pack-format.js";
export { INDEX_PREFIX, decodeIndexBlob, loadIndex, writeIndexBlob, type LoadedIndex, type PackEntries } from "./index-blobs.js";
export { PackIndex, type PackLocation } from "./pack-index.js";
