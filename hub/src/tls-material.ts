import { X509Certificate } from "node:crypto";
import { readDataFile, writeDataFile, type HubConfig } from "./config/index.js";
import type { HubLog } from "./log.js";
import { CertificateAuthority, type CertificateMaterial } from "./pki/index.js";

/** What the hub's TLS port needs: its CA (to sign and verify agents) and its serving certificate. */
export interface TlsMaterial {
  ca: CertificateAuthority;
  serving: CertificateMaterial;
}

// The hub holds its CA key, so it re-issues its own serving certificate at start when it is
// about to expire or lacks a configured name, instead of failing agents' handshakes later.
const RENEW_SERVING_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

/** Loads the CA and serving certificate from the data directory, re-issuing the latter when due. */
export async function loadTlsMaterial(dataDir: string, config: HubConfig, log: HubLog): Promise<TlsMaterial> {
  const { files } = config;
  const ca = await CertificateAuthority.load({
    certificatePem: await readDataFile(dataDir, files.caCertificate),
    privateKeyPem: await readDataFile(dataDir, files.caKey),
  });
  let serving: CertificateMaterial = {
    certificatePem: await readDataFile(dataDir, files.certificate),
    privateKeyPem: await readDataFile(dataDir, files.key),
  };
  const current = new X509Certificate(serving.certificatePem);
  const names = ["127.0.0.1", "localhost", ...config.serverNames];
  const missing = names.filter((name) => !coversName(current, name));
  const expiresSoon = new Date(current.validTo).getTime() - Date.now() < RENEW_SERVING_BEFORE_MS;
  if (missing.length > 0 || expiresSoon || !current.checkIssued(new X509Certificate(ca.certificatePem))) {
    serving = await ca.issueServingCertificate(config.serverNames);
    await writeDataFile(dataDir, files.key, serving.privateKeyPem, { mode: 0o600, replace: true });
    await writeDataFile(dataDir, files.certificate, serving.certificatePem, { mode: 0o644, replace: true });
    log.info("serving certificate re-issued", { reason: missing.length > 0 ? `missing names ${missing.join(", ")}` : expiresSoon ? "expiring" : "not issued by the CA" });
  }
  return { ca, serving };
}

function coversName(certificate: X509Certificate, name: string): boolean {
  return /^[\d.]+$|:/.test(name) ? certificate.checkIP(name) !== undefined : certificate.checkHost(name) !== undefined;
}
