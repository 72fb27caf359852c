/**
 * Every item of a paged List call: `fetchPage` gets each page's token ("" first) and returns the
 * page's items and the next token, until the last page (an empty next token).
 */
export async function allPages<T>(fetchPage: (pageToken: string) => Promise<{ items: T[]; nextPageToken: string }>): Promise<T[]> {
  const all: T[] = [];
  let pageToken = "";
  do {
    const page = await fetchPage(pageToken);
    all.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== "");
  return all;
}
