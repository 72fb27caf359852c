export { TokenStore, type TokenStoreOptions, type CreateTokenOptions, type ListTokensOptions, type TokenPage } from "./token-store.js";
export { parseTokenFields, TOKEN_STATES, type TokenRecord, type TokenState } from "./token-record.js";
export { hashTokenSecret, newTokenSecret } from "./token-secret.js";
