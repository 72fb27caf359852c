import picomatch from "picomatch";

/**
 * A test for "resource.group" names against a Velero groupResource glob ("deployments.apps",
 * "*.apps", "*", "{pods,services}", "**"). As in Velero (gobwas/glob with '.' as separator) "*"
 * stops at a '.', so "*" matches "pods" but not "deployments.apps"; "**" crosses dots. picomatch
 * does the matching with '.' read as its path separator.
 */
export function groupResourceMatcher(pattern: string): (groupResource: string) => boolean {
  const match = picomatch(toPath(pattern), { dot: true });
  return (groupResource) => match(toPath(groupResource));
}

/** Whether picomatch can compile `pattern`; returns its error message when not. */
export function groupResourceGlobProblem(pattern: string): string | undefined {
  if (pattern.includes("/")) return "a group resource has no '/'";
  try {
    picomatch.makeRe(toPath(pattern));
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function toPath(text: string): string {
  return text.replaceAll(".", "/");
}
