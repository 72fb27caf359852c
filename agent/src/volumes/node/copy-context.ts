import type { RepositoryAccess } from "@lifeboat/proto";
import type { OpenRepositoryOptions, Repository } from "@lifeboat/shared/repo";
import type { Logger } from "pino";
import type { ProgressCounters } from "./progress-reporter.js";

/** What one copy uses: its node's kubelet root, its repository access, a progress sink. */
export interface CopyContext {
  kubeletRoot: string;
  access: RepositoryAccess;
  progress(counters: Partial<ProgressCounters>): void;
  logger: Logger;
  signal: AbortSignal;
  openRepository(access: RepositoryAccess, options: OpenRepositoryOptions): Promise<Repository>;
}
