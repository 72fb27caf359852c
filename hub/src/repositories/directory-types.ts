// Repositories as the rest of the hub sees them: the catalog asks for the access a task carries.
import type { RepositoryAccess } from "@lifeboat/proto";

export interface RepositoryDirectory {
  /** The URL and decrypted credentials of repository `name`; NOT_FOUND (field "repository") when unknown. */
  access(name: string): Promise<RepositoryAccess>;
}
