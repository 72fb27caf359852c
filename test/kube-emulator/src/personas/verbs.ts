/** Verb sets exactly as discovery lists them (alphabetical, like the real server). */
export const STANDARD_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
/** Namespaces cannot be deleted as a collection. */
export const NAMESPACE_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];
/** Read-only, unstored views such as componentstatuses. */
export const READ_VERBS = ["get", "list"];
/** Virtual review resources (TokenReview, SubjectAccessReview, ...). */
export const CREATE_VERBS = ["create"];
