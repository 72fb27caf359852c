import type { IncomingMessage, ServerResponse } from "node:http";
import type { JsonObject, KubeObject, ResourceInfo } from "../../api-types.js";
import type { ObjectService } from "../../api/object-service.js";
import type { ContainerRuntime } from "../../exec/container-runtime.js";
import { renderLine, type LogLine, type LogQuery } from "../../exec/log-book.js";
import { containerStatus, isContainerRunning, nodeNameOf, resolveContainer } from "../../exec/pod-containers.js";
import { badRequest, invalid, StatusError, type StatusCause } from "../status-error.js";

export interface LogHandlerContext {
  service: ObjectService;
  runtime: ContainerRuntime;
}

interface LogOptions extends LogQuery {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  limitBytes?: number;
}

/**
 * GET .../pods/{name}/log: the container's log as text/plain (LogREST, then the kubelet's
 * containerLogs). With follow the answer stays open and new lines are sent as they are
 * written, until the container stops running, the pod goes, or the client does.
 */
export function handleLog(req: IncomingMessage, res: ServerResponse, url: URL, info: ResourceInfo, ns: string | undefined, name: string, ctx: LogHandlerContext): void {
  if (req.method !== "GET") throw new StatusError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource (${req.method ?? ""})`);
  const q = url.searchParams;
  const options = parseLogOptions(q, name);
  const pod = ctx.service.get(info, ns, name);
  options.container = resolveContainer(pod, q.get("container") ?? "");
  // An unscheduled pod has no log location: the answer is empty.
  if (!nodeNameOf(pod)) {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end();
    return;
  }
  checkLogStatus(pod, options.container, options.previous);
  const uid = pod.metadata.uid ?? "";
  const lines = options.previous ? [] : ctx.runtime.logs.read(uid, options.container, options);
  let budget = options.limitBytes ?? Infinity;
  const write = (line: LogLine): boolean => {
    const text = renderLine(line, options.timestamps);
    const part = text.length > budget ? text.subarray(0, budget) : text;
    budget -= part.length;
    if (part.length > 0) res.write(part);
    return budget > 0;
  };
  res.writeHead(200, { "Content-Type": "text/plain" });
  let open = true;
  for (const line of lines) if (open) open = write(line);
  if (!options.follow || !open || options.previous || !isContainerRunning(pod, options.container)) {
    res.end();
    return;
  }
  // A follower may be waiting for the answer to begin before anything is written.
  res.flushHeaders();
  const finish = (): void => {
    stopFollowing();
    stopWatching();
    res.end();
  };
  const stopFollowing = ctx.runtime.logs.follow(uid, options.container, {
    line: (line) => {
      if (!write(line)) finish();
    },
    end: finish,
  });
  const stopWatching = ctx.service.store.subscribe((event) => {
    if (event.storageKey !== "/pods" || event.object.metadata.uid !== uid || event.type === "DELETED") return;
    if (!isContainerRunning(event.object, options.container)) finish();
  });
  res.on("close", () => {
    stopFollowing();
    stopWatching();
  });
}

function parseLogOptions(q: URLSearchParams, name: string): LogOptions {
  const int = (key: string): number | undefined => {
    const raw = q.get(key);
    if (raw === null || raw === "") return undefined;
    if (!/^-?\d+$/.test(raw)) throw badRequest(`strconv.ParseInt: parsing "${raw}": invalid syntax`);
    return Number(raw);
  };
  const bool = (key: string): boolean => ["1", "t", "T", "true", "TRUE", "True"].includes(q.get(key) ?? "");
  const options: LogOptions = {
    container: "",
    follow: bool("follow"),
    previous: bool("previous"),
    timestamps: bool("timestamps"),
    tailLines: int("tailLines"),
    limitBytes: int("limitBytes"),
  };
  const sinceSeconds = int("sinceSeconds");
  const sinceTime = q.get("sinceTime") || undefined;
  // ValidatePodLogOptions (pkg/apis/core/validation).
  const causes: StatusCause[] = [];
  const bad = (field: string, value: number, why: string) => causes.push({ reason: "FieldValueInvalid", message: `Invalid value: ${value}: ${why}`, field });
  if (options.tailLines !== undefined && options.tailLines < 0) bad("tailLines", options.tailLines, "must be greater than or equal to 0");
  if (options.limitBytes !== undefined && options.limitBytes < 1) bad("limitBytes", options.limitBytes, "must be greater than 0");
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    causes.push({ reason: "FieldValueForbidden", message: "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified", field: "" });
  } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
    bad("sinceSeconds", sinceSeconds, "must be greater than 0");
  }
  if (causes.length > 0) throw invalid("", "PodLogOptions", name, causes);
  if (sinceSeconds !== undefined) options.sinceMs = Date.now() - sinceSeconds * 1000;
  if (sinceTime !== undefined) {
    const ms = Date.parse(sinceTime);
    if (Number.isNaN(ms)) throw badRequest(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTime}" as "2006"`);
    options.sinceMs = ms;
  }
  return options;
}

/**
 * Whether the kubelet has a log to show for the container (validateContainerLogStatus in
 * pkg/kubelet/kubelet_pods.go); its refusals come back as 400s with its words.
 */
function checkLogStatus(pod: KubeObject, container: string, previous: boolean): void {
  const podName = pod.metadata.name ?? "";
  const status = containerStatus(pod, container);
  const state = (status?.state as JsonObject | undefined) ?? {};
  const last = (status?.lastState as JsonObject | undefined) ?? {};
  if (previous) {
    const terminated = last.terminated as JsonObject | undefined;
    if (!terminated?.containerID) throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    return;
  }
  if (!status) {
    // The kubelet reports ContainerCreating as soon as it takes a pod; no status yet means that.
    const phase = (pod.status as JsonObject | undefined)?.phase;
    if (phase === "Running" || phase === "Succeeded" || phase === "Failed") return;
    throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
  }
  if (state.running || state.terminated || last.terminated) return;
  const waiting = state.waiting as JsonObject | undefined;
  if (waiting) {
    const reason = String(waiting.reason ?? "");
    if (reason === "ErrImagePull") throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
    if (reason === "ImagePullBackOff") throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
    throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  throw badRequest(`container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
}
