import type { Backup, Policy } from "@lifeboat/proto";
import type { BackupCatalog } from "../backups/catalog-types.js";
import { resolvePolicyClusters, type ClusterLookup } from "./cluster-lookup.js";
import type { PolicyStore } from "./policy-store.js";

export interface PolicyFiringDeps {
  policies: PolicyStore;
  clusters: ClusterLookup;
  catalog: Pick<BackupCatalog, "launch">;
  now?: () => number;
}

/**
 * Fires one policy: one backup per cluster it selects now. A scheduled firing passes when the
 * schedule fires next (null: never), recorded with the firing time; a firing by hand leaves it.
 */
export type FirePolicy = (policy: Policy, options?: { nextRun?: number | null }) => Promise<Backup[]>;

/**
 * Makes a FirePolicy: resolves the policy's clusters at this moment (so clusters registered since
 * the last firing are included), launches their backups through the catalog, and records the
 * firing time. A policy that selects no cluster now launches nothing.
 */
export function policyFiring(deps: PolicyFiringDeps): FirePolicy {
  const now = deps.now ?? Date.now;
  return async (policy, options = {}) => {
    const time = now();
    const clusterIds = await resolvePolicyClusters(deps.clusters, policy);
    const backups = clusterIds.length === 0 ? [] : await deps.catalog.launch({ clusterIds, spec: policy.backup!, policyId: policy.id });
    await deps.policies.recordRun(policy.id, time, options.nextRun);
    return backups;
  };
}
