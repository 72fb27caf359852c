// Who the agent is to the hub: its key pair, CSRs, the identity on disk, and registration.
export { generateKeyPair, exportPrivateKeyPem } from "./key-pair.js";
export { createCsr } from "./csr.js";
export { isCertificateForKey, isRenewalDue, readCertificateValidity, type CertificateValidity } from "./certificate.js";
export { IdentityStore, type AgentIdentity } from "./identity-store.js";
export { checkIssuedIdentity, registerCluster, type RegisterCall, type RegistrationRequest } from "./register.js";
