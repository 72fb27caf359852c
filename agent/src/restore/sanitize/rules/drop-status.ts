import type { SanitizeRule } from "../sanitize-rule.js";

// Status is what the source's controllers observed; the target's observe their own. The API
// server ignores status on create for most kinds, but not for all (custom resources without a
// status subresource), so it never travels.
export const dropStatus: SanitizeRule = {
  name: "drops status",
  apply(object) {
    delete object.status;
  },
};
