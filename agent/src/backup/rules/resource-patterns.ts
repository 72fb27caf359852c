import { qualifiedName, type BackupResource } from "../resources.js";
import { isGlob, matcherOf } from "./name-patterns.js";

/**
 * Whether `pattern` names `resource`. A pattern is one of:
 * - a plural name: "deployments" (any group);
 * - a qualified name: "deployments.apps", "ingresses.networking.k8s.io";
 * - a kind or short name: "Deployment", "deploy" (case-insensitive, as kubectl takes them);
 * - a glob over the qualified name ("*.example.com") or, without a dot, over the plural ("config*").
 */
export function resourcePatternMatches(pattern: string, resource: BackupResource): boolean {
  const qualified = qualifiedName(resource);
  if (isGlob(pattern)) {
    const match = matcherOf([pattern]);
    return match(qualified) || (!pattern.includes(".") && match(resource.resource));
  }
  const lower = pattern.toLowerCase();
  return (
    pattern === resource.resource ||
    pattern === qualified ||
    lower === resource.kind.toLowerCase() ||
    resource.shortNames.some((s) => s.toLowerCase() === lower)
  );
}

/** The resources any of `patterns` names. */
export function resourcesMatching(patterns: readonly string[], resources: readonly BackupResource[]): BackupResource[] {
  return resources.filter((r) => patterns.some((p) => resourcePatternMatches(p, r)));
}
