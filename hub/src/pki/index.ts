export {
  CertificateAuthority,
  createCertificateAuthority,
  CA_VALIDITY_DAYS,
  DEFAULT_CLIENT_CERTIFICATE_DAYS,
  DEFAULT_SERVING_CERTIFICATE_DAYS,
  type CertificateMaterial,
  type IssuedCertificate,
} from "./certificate-authority.js";
export { readCsrPublicKey } from "./csr.js";
export { clusterUri, readPeerIdentity, type PeerIdentity } from "./peer-identity.js";
export { newSerialNumber, normalizeSerial } from "./serial.js";
export { x509 } from "./crypto.js";
