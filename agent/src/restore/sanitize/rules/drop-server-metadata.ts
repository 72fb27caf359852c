import type { SanitizeRule } from "../sanitize-rule.js";

// Fields the API server owns: the target sets its own, and rejects a create that carries a
// resourceVersion. The last-applied-configuration annotation is the user's and stays.
const SERVER_FIELDS = ["uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "managedFields", "selfLink"];

export const dropServerMetadata: SanitizeRule = {
  name: "drops the metadata the source's API server set (uid, resourceVersion, managedFields...)",
  apply(object) {
    for (const field of SERVER_FIELDS) delete object.metadata[field];
  },
};
