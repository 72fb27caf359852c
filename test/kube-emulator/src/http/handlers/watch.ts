import type { IncomingMessage, ServerResponse } from "node:http";
import type { JsonObject, KubeObject, ResourceInfo } from "../../api-types.js";
import type { ObjectFilter } from "../../api/list-query.js";
import type { ObjectService } from "../../api/object-service.js";
import type { StoredEvent } from "../../store/index.js";
import { badRequest, StatusError } from "../status-error.js";

export interface WatchRequest {
  info: ResourceInfo;
  namespace?: string;
  /** Set by a fieldSelector of metadata.name (kubectl wait, single-object informers). */
  filter: ObjectFilter;
  resourceVersion?: string;
  allowBookmarks: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
  bookmarkIntervalMs: number;
}

type Emit = (type: string, object: JsonObject) => void;

/**
 * A watch as kube-apiserver serves it: a chunked stream of {"type","object"} lines.
 * An unset or "0" resourceVersion starts with the current state as ADDED events; a
 * resourceVersion older than the kept history ends at once with a 410 ERROR event.
 */
export function serveWatch(req: IncomingMessage, res: ServerResponse, service: ObjectService, w: WatchRequest): void {
  const { store } = service;
  const { info } = w;
  const scope = info.namespaced ? w.namespace : undefined;
  let from: number | undefined;
  if (w.resourceVersion !== undefined && w.resourceVersion !== "" && w.resourceVersion !== "0") {
    from = Number(w.resourceVersion);
    if (!Number.isInteger(from) || from < 0) throw badRequest(`invalid resource version "${w.resourceVersion}": must be a non-negative integer`);
  }
  res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache, private" });
  // Clients wait for the headers before they consider the watch started; send them now,
  // not with the first event, which may be long in coming.
  res.flushHeaders();
  const emit: Emit = (type, object) => {
    res.write(JSON.stringify({ type, object }) + "\n");
  };
  const visible = (obj: KubeObject | undefined): boolean =>
    !!obj && (scope === undefined || (obj.metadata.namespace ?? "") === scope) && w.filter.matches(obj);
  const forward = (event: StoredEvent): void => {
    if (event.storageKey !== info.storageKey) return;
    const now = visible(event.object);
    const before = event.type === "MODIFIED" ? visible(event.previous) : event.type === "DELETED";
    let type: string | undefined;
    if (event.type === "ADDED") type = now ? "ADDED" : undefined;
    else if (event.type === "DELETED") type = now ? "DELETED" : undefined;
    else if (now && before) type = "MODIFIED";
    else if (now) type = "ADDED";
    else if (before) type = "DELETED";
    if (!type) return;
    // An object that leaves the selector is reported as it was (still matching), stamped
    // with the resourceVersion of the change, as the watch cache does.
    const shown =
      type === "DELETED" && event.type === "MODIFIED" && event.previous
        ? { ...event.previous, metadata: { ...event.previous.metadata, resourceVersion: String(event.resourceVersion) } }
        : event.object;
    emit(type, service.versioning.fromStorage(shown, info) as JsonObject);
  };

  const oldest = store.oldestWatchableVersion();
  if (from !== undefined && oldest !== undefined && from < oldest - 1 && store.historyWrapped()) {
    const err = new StatusError(410, "Expired", `too old resource version: ${from} (${oldest - 1})`);
    emit("ERROR", err.toStatus());
    res.end();
    return;
  }
  const bookmark = (extra?: Record<string, string>): void =>
    emit("BOOKMARK", {
      kind: info.kind,
      apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
      metadata: { resourceVersion: String(store.resourceVersion), ...(extra ? { annotations: extra } : {}) },
    });
  if (from === undefined || w.sendInitialEvents) {
    for (const obj of store.list(info.storageKey, scope).items) {
      if (w.filter.matches(obj)) emit("ADDED", service.versioning.fromStorage(obj, info) as JsonObject);
    }
    if (w.sendInitialEvents && w.allowBookmarks) bookmark({ "k8s.io/initial-events-end": "true" });
  } else {
    for (const event of store.historySince(from)) forward(event);
  }
  const unsubscribe = store.subscribe(forward);
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    unsubscribe();
    for (const t of timers) clearTimeout(t), clearInterval(t);
    if (!res.writableEnded) res.end();
  };
  if (w.allowBookmarks) timers.push(setInterval(() => bookmark(), w.bookmarkIntervalMs));
  if (w.timeoutSeconds !== undefined && w.timeoutSeconds > 0) timers.push(setTimeout(finish, w.timeoutSeconds * 1000));
  req.on("close", finish);
  res.on("close", finish);
}
