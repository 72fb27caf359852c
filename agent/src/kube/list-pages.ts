import { ApiException } from "@kubernetes/client-node";

/** One page of a Kubernetes list, as client-node returns it. */
export interface ListPage<T> {
  items: T[];
  metadata?: { _continue?: string };
}

/** Items per page: the API server's own default chunk size for kubectl get. */
export const PAGE_SIZE = 500;

/**
 * Every item of a list, read in pages of PAGE_SIZE so a cluster with thousands of namespaces
 * or nodes is never one huge response. `readPage` gets the continue token (undefined first) and
 * a limit. When a continue token expires mid-list (410 Gone, after about five minutes), the list
 * is read again in one request, as client-go's pager falls back.
 */
export async function listAllPages<T>(readPage: (continueToken: string | undefined, limit: number | undefined) => Promise<ListPage<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    let page: ListPage<T>;
    try {
      page = await readPage(token, PAGE_SIZE);
    } catch (err) {
      if (token === undefined || !(err instanceof ApiException) || err.code !== 410) throw err;
      return (await readPage(undefined, undefined)).items;
    }
    items.push(...page.items);
    token = page.metadata?._continue || undefined;
  } while (token);
  return items;
}
