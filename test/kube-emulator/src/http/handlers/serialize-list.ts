import { formatGroupVersion, type KubeObject, type ResourceInfo } from "../../api-types.js";

// Stored objects never change in place, so each one's JSON can be reused by every
// list that returns it; this keeps full lists of 100k objects cheap. The cache holds
// UTF-8 bytes, not strings, and a list body is written as those very bytes, never joined:
// a joined copy of a 25 MB list is new off-heap memory each time, which makes V8 collect
// the whole heap every few lists — costly once a living cluster holds many objects.
const serialized = new WeakMap<KubeObject, Buffer>();
const comma = Buffer.from(",");
const tail = Buffer.from("]}");

/**
 * Items of a built-in type's list carry no apiVersion/kind (the encoder sets TypeMeta on
 * the list only); custom resource lists are unstructured and keep them on every item.
 */
function toItemJson(obj: KubeObject, typed: boolean): Buffer {
  if (!typed) return Buffer.from(JSON.stringify(obj));
  let bytes = serialized.get(obj);
  if (bytes === undefined) {
    const { apiVersion: _a, kind: _k, ...rest } = obj;
    bytes = Buffer.from(JSON.stringify(rest));
    serialized.set(obj, bytes);
  }
  return bytes;
}

/** The URL path of a resource's collection, as selfLink carried it before 1.20. */
export function collectionPath(info: ResourceInfo, namespace: string | undefined): string {
  const root = info.group === "" ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  return info.namespaced && namespace ? `${root}/namespaces/${namespace}/${info.resource}` : `${root}/${info.resource}`;
}

/** The `<Kind>List` body of a list response, serialized, as the parts to write in order. */
export function serializeList(
  info: ResourceInfo,
  page: { items: KubeObject[]; resourceVersion: string; continue?: string; remainingItemCount?: number },
  options: { typedItems: boolean; selfLink?: string },
): Buffer[] {
  const metadata: Record<string, string | number> = options.selfLink ? { selfLink: options.selfLink, resourceVersion: page.resourceVersion } : { resourceVersion: page.resourceVersion };
  if (page.continue) metadata.continue = page.continue;
  if (page.remainingItemCount !== undefined) metadata.remainingItemCount = page.remainingItemCount;
  const head = JSON.stringify({ kind: `${info.kind}List`, apiVersion: formatGroupVersion(info), metadata });
  const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"items":[`)];
  page.items.forEach((item, i) => {
    if (i > 0) parts.push(comma);
    parts.push(toItemJson(item, options.typedItems));
  });
  parts.push(tail);
  return parts;
}
