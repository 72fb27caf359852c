// An image registry/repository prefix as the registry mapping takes it: a host (with an optional
// port) and/or repository path components, with no scheme, tag or digest, per the reference
// grammar of github.com/distribution/reference.

const HOST = /^(localhost|[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*)(:[0-9]+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/;

/** Why `prefix` is not a registry/repository prefix, or undefined when it is one. */
export function registryPrefixProblem(prefix: string): string | undefined {
  if (prefix === "") return "it is empty";
  if (prefix.includes("://")) return "it has a scheme; drop the \"https://\"";
  if (prefix.includes("@")) return "it has a digest; give the registry/repository prefix only";
  if (prefix.endsWith("/")) return "it ends with '/'";
  const [first, ...rest] = prefix.split("/") as [string, ...string[]];
  // The first component is a host when it looks like one (has '.' or ':' or is localhost), as
  // container runtimes decide; a port ':5000' is allowed there and nowhere else.
  const firstIsHost = first.includes(".") || first.includes(":") || first === "localhost";
  if (firstIsHost ? !HOST.test(first) : !PATH_COMPONENT.test(first)) {
    return first.includes(":") && !HOST.test(first) ? `"${first}" has a tag or a bad port` : `"${first}" is not a registry host or repository component`;
  }
  for (const component of rest) {
    if (component.includes(":")) return `"${component}" has a tag; give the registry/repository prefix only`;
    if (!PATH_COMPONENT.test(component)) return `"${component}" is not a repository component (lower-case letters, digits, '.', '_', '-')`;
  }
  return undefined;
}
