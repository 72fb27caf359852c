import { AdminService } from "@lifeboat/proto";
import type { ServiceImplementation, ServiceMethods } from "@lifeboat/shared";
import type { HubLog } from "../log.js";
import type { Policies } from "../policies/index.js";

type AdminHandlers = ServiceImplementation<ServiceMethods<typeof AdminService>>;
export type PolicyHandlers = Pick<AdminHandlers, "createPolicy" | "listPolicies" | "getPolicy" | "setPolicyPaused" | "runPolicy" | "deletePolicy">;

export interface PolicyHandlerDeps {
  policies: Pick<Policies, "create" | "list" | "get" | "setPaused" | "run" | "delete">;
  log: HubLog;
}

/** The policy RPCs of AdminService. Policies are named by id or name ("policy" field). */
export function createPolicyHandlers(deps: PolicyHandlerDeps): PolicyHandlers {
  const { policies, log } = deps;
  return {
    async createPolicy(request) {
      const policy = await policies.create(request.policy);
      log.info("policy created", { policyId: policy.id, name: policy.name, schedule: policy.schedule || undefined });
      return { policy };
    },

    async listPolicies() {
      return { policies: await policies.list() };
    },

    async getPolicy(request) {
      return { policy: await policies.get(request.policy, "policy") };
    },

    async setPolicyPaused(request) {
      const policy = await policies.setPaused(request.policy, request.paused, "policy");
      log.info(request.paused ? "policy paused" : "policy resumed", { policyId: policy.id, name: policy.name });
      return { policy };
    },

    async runPolicy(request) {
      const backups = await policies.run(request.policy, "policy");
      log.info("policy run by hand", { policy: request.policy, backups: backups.length });
      return { backups };
    },

    async deletePolicy(request) {
      const policy = await policies.delete(request.policy, "policy");
      log.info("policy deleted", { policyId: policy.id, name: policy.name });
      return {};
    },
  };
}
