import { ApiException, type KubeConfig } from "@kubernetes/client-node";
import { createRawClient, toKubeError, type RawClient } from "../../kube/index.js";
import type { ResourceVersionRef } from "../resources.js";

/** A Kubernetes object as the API server sent it: plain JSON, untouched. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; ownerReferences?: OwnerReference[] } & Record<string, unknown>;
};

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
}

/** One page of a list: its items and the token of the next page, if any. */
export interface ListPage {
  items: KubeObject[];
  continueToken?: string;
}

export interface ListOptions {
  /** Only this namespace; all namespaces (or a cluster-scoped resource) when absent. */
  namespace?: string;
  labelSelector?: string;
  signal?: AbortSignal;
}

/** What the backup reads from the API server: lists in pages and single objects, as raw JSON. */
export interface ApiReader {
  /** Pages of the list of `ref` in its version; the API server's continue tokens chain them. */
  listPages(ref: ResourceVersionRef, options: ListOptions): AsyncIterable<ListPage>;
  /** The object, or undefined when the API server answers 404. */
  get(ref: ResourceVersionRef, namespace: string, name: string, signal?: AbortSignal): Promise<KubeObject | undefined>;
}

/** Items per page: the API server's own default chunk size for kubectl get. */
export const PAGE_SIZE = 500;

/**
 * An ApiReader over plain HTTP requests with the kubeconfig's credentials. client-node's typed
 * clients turn objects into model classes (timestamps become Date objects), which does not give
 * back the JSON the server stored; a backup keeps that JSON exactly, so it reads raw.
 */
/** `client` shares one connection pool with the run's other API users; a new one over `kc` by default. */
export function createApiReader(kc: KubeConfig, pageSize = PAGE_SIZE, client: RawClient = createRawClient(kc)): ApiReader {
  return {
    async *listPages(ref, options) {
      let token: string | undefined;
      do {
        const query = new URLSearchParams({ limit: String(pageSize) });
        if (token) query.set("continue", token);
        if (options.labelSelector) query.set("labelSelector", options.labelSelector);
        const path = `${resourcePath(ref, options.namespace)}?${query}`;
        const list = (await getJson(client, path, options.signal, `listing ${describe(ref)}`)) as { items?: KubeObject[]; metadata?: { continue?: string } } | undefined;
        if (!list) throw toKubeError(new ApiException(404, "not found", "", {}), `listing ${describe(ref)}`, options.signal);
        token = list.metadata?.continue || undefined;
        yield { items: list.items ?? [], continueToken: token };
      } while (token);
    },
    async get(ref, namespace, name, signal) {
      const path = `${resourcePath(ref, namespace || undefined)}/${encodeURIComponent(name)}`;
      return (await getJson(client, path, signal, `reading ${describe(ref)} ${namespace ? `${namespace}/` : ""}${name}`)) as KubeObject | undefined;
    },
  };
}

function describe(ref: ResourceVersionRef): string {
  return `${ref.group === "" ? ref.version : `${ref.group}/${ref.version}`} ${ref.resource}`;
}

function resourcePath(ref: ResourceVersionRef, namespace: string | undefined): string {
  const base = ref.group === "" ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${scope}/${ref.resource}`;
}

/** GETs `path` as JSON; undefined on 404; other failures as toKubeError makes them. */
async function getJson(client: RawClient, path: string, signal: AbortSignal | undefined, doing: string): Promise<unknown> {
  try {
    const { status, body } = await client.send({ method: "GET", path, signal });
    if (status === 404) return undefined;
    if (status < 200 || status >= 300) throw new ApiException(status, `HTTP ${status}`, body.toString("utf8"), {});
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw toKubeError(err, doing, signal);
  }
}
