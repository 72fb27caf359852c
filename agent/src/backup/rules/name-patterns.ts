import picomatch from "picomatch";

/** Whether a namespace or resource pattern is a glob ("kube-*", "*.example.com") rather than a name. */
export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

/**
 * A test for names against `patterns` (names or globs). Globs follow picomatch with `dot` set,
 * so "*" also matches names that start with a dot; "/" is not special in Kubernetes names, so
 * each name is matched as a single path segment would be.
 */
export function matcherOf(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => false;
  const match = picomatch([...patterns], { dot: true });
  return (name) => match(name);
}

/** Include/exclude lists as one test: included when an include matches (or there are none) and no exclude does. */
export function includeExcludeOf(included: readonly string[], excluded: readonly string[]): (name: string) => boolean {
  const isIncluded = included.length === 0 ? () => true : matcherOf(included);
  const isExcluded = matcherOf(excluded);
  return (name) => isIncluded(name) && !isExcluded(name);
}
