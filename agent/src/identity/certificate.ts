import { X509Certificate, createPrivateKey } from "node:crypto";
import { LifeboatError } from "@lifeboat/shared";

/** What the agent needs to know about its client certificate. */
export interface CertificateValidity {
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
}

/** Validity of a PEM certificate; throws CORRUPT naming `what` when it does not parse. */
export function readCertificateValidity(certificatePem: string, what: string): CertificateValidity {
  const certificate = parseCertificate(certificatePem, what);
  return {
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    serialNumber: certificate.serialNumber,
  };
}

/** Whether `certificatePem` certifies the public half of `privateKeyPem`. */
export function isCertificateForKey(certificatePem: string, privateKeyPem: string, what: string): boolean {
  return parseCertificate(certificatePem, what).checkPrivateKey(createPrivateKey(privateKeyPem));
}

/**
 * Whether a certificate should be renewed at `now`: once less than a third of its lifetime is
 * left, or less than `renewBeforeMs` (the hub's certificate_renew_before) if that is more. A
 * third leaves two more thirds' worth of retries for a hub that is down when renewal falls due
 * (30 days of a 90-day certificate), the margin cert-manager and kubelet rotation use too.
 */
export function isRenewalDue(validity: CertificateValidity, now: Date, renewBeforeMs = 0): boolean {
  const lifetime = validity.notAfter.getTime() - validity.notBefore.getTime();
  const left = validity.notAfter.getTime() - now.getTime();
  return left < Math.max(lifetime / 3, renewBeforeMs);
}

function parseCertificate(certificatePem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(certificatePem);
  } catch (err) {
    throw new LifeboatError("CORRUPT", `${what} is not a PEM X.509 certificate`, { field: what, cause: err });
  }
}
