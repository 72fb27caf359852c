import { AdminService } from "@lifeboat/proto";
import type { ServiceImplementation, ServiceMethods } from "@lifeboat/shared";
import { redactUrl } from "@lifeboat/shared/repo";
import type { HubLog } from "../log.js";
import type { RepositoryRegistry } from "../repositories/index.js";

type AdminHandlers = ServiceImplementation<ServiceMethods<typeof AdminService>>;
export type RepositoryHandlers = Pick<AdminHandlers, "addRepository" | "listRepositories" | "getRepository" | "checkRepository" | "deleteRepository">;

export interface RepositoryHandlerDeps {
  repositories: Pick<RepositoryRegistry, "add" | "list" | "get" | "check" | "delete">;
  log: HubLog;
}

/** The repository RPCs of AdminService. Credentials go in on AddRepository and never come out, nor into a log line. */
export function createRepositoryHandlers(deps: RepositoryHandlerDeps): RepositoryHandlers {
  const { repositories, log } = deps;
  return {
    async addRepository(request) {
      const repository = await repositories.add(request.repository);
      log.info("repository added", { name: repository.name, url: redactUrl(repository.url), repositoryId: repository.repositoryId, credentials: repository.credentialNames });
      return { repository };
    },

    async listRepositories() {
      return { repositories: await repositories.list() };
    },

    async getRepository(request) {
      return { repository: await repositories.get(request.name, "name") };
    },

    async checkRepository(request) {
      const report = await repositories.check(request.name, "name");
      log.info("repository checked", { name: request.name, ok: report.ok, problems: report.problems.length, packs: report.packs });
      return { ok: report.ok, problems: report.problems, packs: BigInt(report.packs), blobs: BigInt(report.blobs), backups: BigInt(report.backups) };
    },

    async deleteRepository(request) {
      await repositories.delete(request.name, "name");
      log.info("repository forgotten", { name: request.name });
      return {};
    },
  };
}
