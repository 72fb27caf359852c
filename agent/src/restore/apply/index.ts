// The restore's last planning stage and its apply stage: order items into tiers, then write them
// to the target's API server, tier by tier, following the existing-resource policy.
export { orderIntoTiers, tierIndex } from "./tiers.js";
export { applyTiers, type ApplyOptions } from "./apply-tiers.js";
export { applyItem, type ItemContext } from "./apply-item.js";
export { createApiWriter, statusOf, type ApiWriter, type ObjectRef, type ServerAnswer } from "./api-writer.js";
export { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
