// A fake of the backup's own ApiReader interface: objects by resource version, listed in pages of two.
import { LifeboatError } from "@lifeboat/shared";
import type { ApiReader, KubeObject, ListOptions, ListPage } from "../kube/api-reader.js";
import type { ResourceVersionRef } from "../resources.js";

export interface FakeApi extends ApiReader {
  /** Every list request, as "group/version/resource ns=… selector=…". */
  readonly lists: string[];
  /** Makes lists of `ref` fail with `error`. */
  failLists(ref: ResourceVersionRef, error: LifeboatError): void;
}

const key = (ref: ResourceVersionRef) => `${ref.group}/${ref.version}/${ref.resource}`;

/**
 * `objects` by "group/version/resource". A label selector of the form "k=v" is applied; the fake
 * knows no other selector syntax.
 */
export function fakeApi(objects: Record<string, KubeObject[]>): FakeApi {
  const lists: string[] = [];
  const failures = new Map<string, LifeboatError>();
  const matches = (object: KubeObject, options: ListOptions) => {
    if (options.namespace !== undefined && object.metadata?.namespace !== options.namespace) return false;
    if (!options.labelSelector) return true;
    const [k, v] = options.labelSelector.split("=");
    return object.metadata?.labels?.[k!] === v;
  };
  return {
    lists,
    failLists: (ref, error) => void failures.set(key(ref), error),
    async *listPages(ref, options): AsyncIterable<ListPage> {
      lists.push(`${key(ref)} ns=${options.namespace ?? "*"} selector=${options.labelSelector ?? ""}`);
      const failure = failures.get(key(ref));
      if (failure) throw failure;
      const items = (objects[key(ref)] ?? []).filter((o) => matches(o, options));
      for (let i = 0; i < Math.max(1, items.length); i += 2) yield { items: items.slice(i, i + 2), ...(i + 2 < items.length ? { continueToken: String(i + 2) } : {}) };
    },
    async get(ref, namespace, name) {
      return (objects[key(ref)] ?? []).find((o) => o.metadata?.name === name && (o.metadata?.namespace ?? "") === namespace);
    },
  };
}

export function object(name: string, namespace = "", labels: Record<string, string> = {}, fields: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name, ...(namespace ? { namespace } : {}), labels }, ...fields };
}

/** `object` with `metadata.uid` set: the same UID under two resources is one object served by two groups. */
export function withUid(object: KubeObject, uid: string): KubeObject {
  return { ...object, metadata: { ...object.metadata, uid } };
}
