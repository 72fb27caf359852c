export { ObjectStore, type StoreListener, type ListResult } from "./object-store.js";
export { WatchHistory, type StoredEvent, type WatchEventType } from "./watch-history.js";
export { ListSnapshots, encodeContinue, decodeContinue, type ContinueToken } from "./list-snapshots.js";
