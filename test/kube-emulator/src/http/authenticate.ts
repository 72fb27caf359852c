import type { IncomingMessage } from "node:http";
import { timingSafeEqual } from "node:crypto";
import { forbidden, StatusError } from "./status-error.js";

export interface User {
  name: string;
  token: string;
  /** A read-only user may get, list and watch; anything else is 403. */
  readOnly: boolean;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Finds the user of a bearer token; an unknown token is 401, as with --token-auth-file.
 * A request without credentials is 401 too, except on a plain-HTTP server: that is the
 * old --insecure-port, which skipped authentication, and kubectl never sends a bearer
 * token over plain HTTP, so the admin user stands in.
 */
export function authenticate(req: IncomingMessage, users: User[], insecurePort: boolean): User {
  const header = req.headers.authorization ?? "";
  if (header === "" && insecurePort) return users[0]!;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  const user = match ? users.find((u) => sameToken(u.token, match[1]!.trim())) : undefined;
  if (!user) throw new StatusError(401, "Unauthorized", "Unauthorized");
  return user;
}

const readVerbs = new Set(["GET", "HEAD", "OPTIONS"]);

/** RBAC in its smallest form: the message matches the real authorizer's denial. */
export function authorize(user: User, method: string, resource: { group: string; resource: string; subresource?: string; namespace?: string; name?: string }): void {
  if (!user.readOnly || readVerbs.has(method)) return;
  // RequestInfo calls a DELETE without a name deletecollection.
  const verb =
    method === "DELETE" && !resource.name ? "deletecollection" : ({ POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" }[method] ?? method.toLowerCase());
  const where = resource.namespace ? ` in the namespace "${resource.namespace}"` : " at the cluster scope";
  const what = resource.subresource ? `${resource.resource}/${resource.subresource}` : resource.resource;
  throw forbidden(resource.group, resource.resource, resource.name, `User "${user.name}" cannot ${verb} resource "${what}" in API group "${resource.group}"${where}`);
}
