// For unit tests: questions asked of a persona's catalog, phrased the way discovery answers
// them (which group-versions serve a resource, and the order of groups under /apis).
import type { ResourceInfo } from "../api-types.js";
import type { Persona } from "../personas/index.js";

/** The resource as `group`/`version` serves it, or undefined when that version does not serve it. */
export function served(p: Persona, group: string, version: string, resource: string): ResourceInfo | undefined {
  return p.groups.find((g) => g.group === group)?.resources.find((r) => r.version === version && r.resource === resource);
}

/** The persona's groups in the order /apis lists them ("" being the core group). */
export function groupNames(p: Persona): string[] {
  return p.groups.map((g) => g.group);
}
