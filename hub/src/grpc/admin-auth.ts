import { LifeboatError, type HandlerContext } from "@lifeboat/shared";
import { isAdminCredential } from "../config/index.js";

/**
 * The `authorize` hook of AdminService: every call must carry `authorization: Bearer <admin
 * credential>`. Throws UNAUTHENTICATED saying whether the credential is missing or wrong (never
 * echoing what was sent).
 */
export function adminAuthorizer(credentialSha256: string): (context: HandlerContext) => void {
  return (context) => {
    const values = context.metadata.get("authorization");
    const header = values.length === 1 && typeof values[0] === "string" ? values[0] : undefined;
    if (header === undefined || header.trim() === "") {
      throw new LifeboatError(
        "UNAUTHENTICATED",
        `${context.method} requires the admin credential: send it as "authorization: Bearer <credential>" (hub init wrote it to admin-credential in the hub's data directory)`,
        { field: "authorization" },
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !isAdminCredential(match[1]!, credentialSha256)) {
      throw new LifeboatError("UNAUTHENTICATED", `${context.method}: the admin credential is not valid`, { field: "authorization" });
    }
  };
}
