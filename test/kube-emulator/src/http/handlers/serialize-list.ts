import { formatGroupVersion, type KubeObject, type ResourceInfo } from "../../api-types.js";

// Stored objects never change in place, so each one's JSON can be reused by every
// list that returns it; this keeps full lists of 100k objects cheap.
const serialized = new WeakMap<KubeObject, string>();

function toJson(obj: KubeObject): string {
  let text = serialized.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    serialized.set(obj, text);
  }
  return text;
}

/** The `<Kind>List` body of a list response, serialized. */
export function serializeList(
  info: ResourceInfo,
  page: { items: KubeObject[]; resourceVersion: string; continue?: string; remainingItemCount?: number },
): string {
  const metadata: Record<string, string | number> = { resourceVersion: page.resourceVersion };
  if (page.continue) metadata.continue = page.continue;
  if (page.remainingItemCount !== undefined) metadata.remainingItemCount = page.remainingItemCount;
  const head = JSON.stringify({ kind: `${info.kind}List`, apiVersion: formatGroupVersion(info), metadata });
  return `${head.slice(0, -1)},"items":[${page.items.map(toJson).join(",")}]}`;
}
