import { ApiException, type KubeConfig } from "@kubernetes/client-node";
import { LifeboatError, isLifeboatError } from "@lifeboat/shared";
import { createRawClient, parseStatus, toKubeError, type RawClient } from "../../kube/index.js";
import type { AppliedAs, KubeObject } from "../types.js";

/** Where an object lives in the target: its resource in one version, its namespace ("" when cluster-scoped), its name. */
export interface ObjectRef {
  to: AppliedAs;
  namespace: string;
  name: string;
}

/**
 * What the apply stage writes to the API server, as raw JSON. Failures are LifeboatErrors made by
 * toKubeError (AlreadyExists is ALREADY_EXISTS); statusOf reads the server's answer back from any
 * of them.
 */
export interface ApiWriter {
  /** POSTs `body` to the collection of `ref.to` (in `ref.namespace`) and returns what the server stored. */
  create(ref: ObjectRef, body: KubeObject, signal?: AbortSignal): Promise<KubeObject>;
  /** The object, or undefined when the API server answers 404. */
  get(ref: ObjectRef, signal?: AbortSignal): Promise<KubeObject | undefined>;
  /** PATCHes `patch` as a JSON merge patch (RFC 7386) and returns the object after it. */
  mergePatch(ref: ObjectRef, patch: object, signal?: AbortSignal): Promise<KubeObject>;
  /** DELETEs the object (background propagation); false when it was already gone (404). */
  delete(ref: ObjectRef, signal?: AbortSignal): Promise<boolean>;
}

/**
 * An ApiWriter over plain HTTP requests with the kubeconfig's credentials (TLS, bearer token,
 * client certificates, insecure-skip-tls-verify), as the backup's api-reader reads: client-node's
 * typed clients turn JSON into model classes, so what they send back is not the JSON restored.
 */
export function createApiWriter(kc: KubeConfig, timeoutMs = REQUEST_TIMEOUT_MS, client: RawClient = createRawClient(kc)): ApiWriter {
  const call = (method: string, path: string, body: unknown, contentType: string | undefined, signal: AbortSignal | undefined, doing: string) =>
    request(client, { method, path, body, contentType, timeoutMs }, signal, doing);
  return {
    async create(ref, body, signal) {
      const path = collectionPath(ref.to, ref.namespace);
      return (await call("POST", path, body, "application/json", signal, `creating ${describeRef(ref)}`)) as KubeObject;
    },
    async get(ref, signal) {
      try {
        return (await call("GET", objectPath(ref), undefined, undefined, signal, `reading ${describeRef(ref)}`)) as KubeObject;
      } catch (err) {
        if (statusOf(err)?.code === 404) return undefined;
        throw err;
      }
    },
    async mergePatch(ref, patch, signal) {
      return (await call("PATCH", objectPath(ref), patch, "application/merge-patch+json", signal, `patching ${describeRef(ref)}`)) as KubeObject;
    },
    async delete(ref, signal) {
      const options = { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background" };
      try {
        await call("DELETE", objectPath(ref), options, "application/json", signal, `deleting ${describeRef(ref)}`);
        return true;
      } catch (err) {
        if (statusOf(err)?.code === 404) return false;
        throw err;
      }
    },
  };
}

/**
 * How long one request may go unanswered. A server that takes a connection and never answers
 * would otherwise hold an item (and its tier) forever; past this the request counts as unanswered
 * and is retried like a refused connection. kube-apiserver itself gives up on requests after 60 s.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

/** The API server's answer behind an ApiWriter failure: HTTP code and metav1.Status reason; undefined when it did not answer. */
export interface ServerAnswer {
  code: number;
  reason?: string;
  message?: string;
}

export function statusOf(err: unknown): ServerAnswer | undefined {
  const cause = isLifeboatError(err) ? err.cause : err;
  if (!(cause instanceof ApiException)) return undefined;
  const body = parseStatus(cause.body);
  return { code: cause.code, reason: body?.reason, message: body?.message };
}

/** "apps/v1 deployments shop/web" for messages. */
export function describeRef(ref: ObjectRef): string {
  const gv = ref.to.group === "" ? ref.to.version : `${ref.to.group}/${ref.to.version}`;
  return `${gv} ${ref.to.resource} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

function collectionPath(to: AppliedAs, namespace: string): string {
  const base = to.group === "" ? `/api/${to.version}` : `/apis/${to.group}/${to.version}`;
  const scope = to.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${scope}/${to.resource}`;
}

function objectPath(ref: ObjectRef): string {
  return `${collectionPath(ref.to, ref.namespace)}/${encodeURIComponent(ref.name)}`;
}

interface Call {
  method: string;
  path: string;
  body: unknown;
  contentType: string | undefined;
  timeoutMs: number;
}

async function request(client: RawClient, { method, path, body, contentType, timeoutMs }: Call, signal: AbortSignal | undefined, doing: string): Promise<unknown> {
  let answer: { status: number; text: string };
  try {
    const response = await client.send({ method, path, body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)), contentType, signal, timeoutMs });
    answer = { status: response.status, text: response.body.toString("utf8") };
  } catch (err) {
    throw toKubeError(err, doing, signal);
  }
  if (answer.status < 200 || answer.status >= 300) throw toKubeError(new ApiException(answer.status, `HTTP ${answer.status}`, answer.text, {}), doing, signal);
  try {
    return JSON.parse(answer.text);
  } catch (err) {
    throw new LifeboatError("INTERNAL", `${doing}: the API server answered ${answer.status} with a body that is not JSON`, { cause: err });
  }
}

