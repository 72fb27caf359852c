export { Policies, type PoliciesOptions } from "./policies.js";
export { PolicyStore, unknownRepository } from "./policy-store.js";
export { policyKeys, type PolicyKeys } from "./policy-keys.js";
export { newPolicyId, isPolicyId } from "./policy-id.js";
export { validatePolicy, type PolicyReferences, type ValidPolicy } from "./validate-policy.js";
export { policyFiring, type FirePolicy, type PolicyFiringDeps } from "./fire-policy.js";
export { clusterStoreLookup, resolvePolicyClusters, type ClusterLookup } from "./cluster-lookup.js";
