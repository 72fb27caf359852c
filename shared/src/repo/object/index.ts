export { createChunker, defaultChunkerOptions, type Chunker, type ChunkerOptions } from "./chunker.js";
export { isContentId, type ContentId, type ContentKind, type ContentReader, type ContentWriter } from "./content-access.js";
export { writeFileContent, writeOpenFileContent, type FileContent, type WriteFileOptions } from "./file-writer.js";
export { restoreTree, type RestoreOptions, type RestoreStats } from "./restore-tree.js";
export { snapshotTree, type SnapshotOptions, type SnapshotStats } from "./snapshot-tree.js";
export {
  compareNames, decodeTreeListing, encodeTreeListing, type EntryType, type TreeEntry, type TreeListing,
} from "./tree-listing.js";
