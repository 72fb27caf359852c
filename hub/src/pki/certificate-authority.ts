import { isIP } from "node:net";
import { LifeboatError } from "@lifeboat/shared";
import { certificatePem, exportPrivateKeyPem, generateKeyPair, HUB_KEY_ALGORITHM, importPrivateKeyPem, x509 } from "./crypto.js";
import { readCsrPublicKey } from "./csr.js";
import { clusterUri } from "./peer-identity.js";
import { newSerialNumber } from "./serial.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The CA lives as long as the fleet: agents trust it for the hub's serving certificate too. */
export const CA_VALIDITY_DAYS = 3650;
export const DEFAULT_CLIENT_CERTIFICATE_DAYS = 90;
export const DEFAULT_SERVING_CERTIFICATE_DAYS = 365;
// Certificates start a little in the past, so an agent whose clock runs a few minutes behind the
// hub's does not find its brand-new certificate "not yet valid".
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A key pair and its certificate, both PEM: what the hub keeps in its data directory. */
export interface CertificateMaterial {
  certificatePem: string;
  privateKeyPem: string;
}

/** A client certificate issued to a cluster's agent. */
export interface IssuedCertificate {
  certificatePem: string;
  /** Lower-case hex. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/** Makes the hub's CA: a fresh P-256 key and a self-signed CA certificate valid for 10 years. */
export async function createCertificateAuthority(options: { commonName?: string; now?: Date } = {}): Promise<CertificateMaterial> {
  const now = options.now ?? new Date();
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerialNumber(),
    name: new x509.Name([{ CN: [options.commonName ?? "Lifeboat hub CA"] }, { O: ["Lifeboat"] }]),
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    keys,
    signingAlgorithm: HUB_KEY_ALGORITHM,
    extensions: [
      // pathLen 0: the hub's CA signs end-entity certificates only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificatePem: certificatePem(certificate), privateKeyPem: await exportPrivateKeyPem(keys.privateKey) };
}

/**
 * The hub's CA, loaded from its data directory: signs agents' client certificates (from their
 * CSRs) and the hub's own serving certificate.
 */
export class CertificateAuthority {
  private constructor(
    readonly certificate: x509.X509Certificate,
    readonly certificatePem: string,
    private readonly signingKey: CryptoKey,
  ) {}

  /**
   * Loads a CA written by createCertificateAuthority. Throws CORRUPT when the certificate is not a
   * CA certificate or the key is not its key (so a mixed-up data directory fails at start, not at
   * the first registration).
   */
  static async load(material: CertificateMaterial): Promise<CertificateAuthority> {
    let certificate: x509.X509Certificate;
    try {
      certificate = new x509.X509Certificate(material.certificatePem);
    } catch (err) {
      throw new LifeboatError("CORRUPT", "the hub's CA certificate is not a PEM X.509 certificate", { field: "ca.crt", cause: err });
    }
    const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
    if (!constraints?.ca) throw new LifeboatError("CORRUPT", "the hub's CA certificate is not a CA certificate (basicConstraints cA is not set)", { field: "ca.crt" });
    const signingKey = await importPrivateKeyPem(material.privateKeyPem, "ca.key");
    const ca = new CertificateAuthority(certificate, material.certificatePem, signingKey);
    // A throwaway signature proves the key belongs to the certificate.
    const probe = await ca.sign(await generateKeyPair().then((k) => k.publicKey), {
      subject: "CN=key check",
      notAfter: new Date(Date.now() + 60_000),
      extensions: [],
    });
    if (!(await probe.verify({ publicKey: certificate.publicKey, signatureOnly: true }))) {
      throw new LifeboatError("CORRUPT", "the hub's CA key (ca.key) does not belong to its CA certificate (ca.crt)", { field: "ca.key" });
    }
    return ca;
  }

  /**
   * Signs a client certificate for `clusterId` over the public key of `csrPem` (after checking the
   * CSR's signature; its subject is ignored). The certificate names the cluster twice: CN =
   * cluster id, and a URI SAN `lifeboat://cluster/<id>`, which is what the hub reads back.
   * Throws INVALID_ARGUMENT naming `csrField` for an unusable CSR.
   */
  async issueClientCertificate(
    csrPem: string,
    clusterId: string,
    options: { validityDays?: number; now?: Date; csrField?: string } = {},
  ): Promise<IssuedCertificate> {
    const publicKey = await readCsrPublicKey(csrPem, options.csrField ?? "csr_pem");
    const now = options.now ?? new Date();
    const validityDays = options.validityDays ?? DEFAULT_CLIENT_CERTIFICATE_DAYS;
    const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
    const notAfter = new Date(now.getTime() + validityDays * DAY_MS);
    const isRsa = (publicKey.algorithm as { name?: string }).name !== "ECDSA";
    const usage = x509.KeyUsageFlags.digitalSignature | (isRsa ? x509.KeyUsageFlags.keyEncipherment : 0);
    const certificate = await this.sign(publicKey, {
      subject: new x509.Name([{ CN: [clusterId] }, { O: ["Lifeboat clusters"] }]).toString(),
      notBefore,
      notAfter,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(usage, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: "url", value: clusterUri(clusterId) }]),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate.publicKey),
      ],
    });
    return { certificatePem: certificatePem(certificate), serial: certificate.serialNumber.toLowerCase(), notBefore, notAfter: certificate.notAfter };
  }

  /**
   * A new key and serving certificate for the hub's TLS port, valid for 127.0.0.1, localhost and
   * `names` (host names or IP addresses agents and the CLI dial).
   */
  async issueServingCertificate(names: readonly string[], options: { validityDays?: number; now?: Date } = {}): Promise<CertificateMaterial> {
    const now = options.now ?? new Date();
    const keys = await generateKeyPair();
    const all = [...new Set(["127.0.0.1", "localhost", ...names])];
    const certificate = await this.sign(keys.publicKey, {
      subject: new x509.Name([{ CN: [all.find((n) => isIP(n) === 0) ?? "localhost"] }, { O: ["Lifeboat hub"] }]).toString(),
      notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
      notAfter: new Date(now.getTime() + (options.validityDays ?? DEFAULT_SERVING_CERTIFICATE_DAYS) * DAY_MS),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(all.map((name) => ({ type: isIP(name) === 0 ? "dns" : "ip", value: name }) as const)),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate.publicKey),
      ],
    });
    return { certificatePem: certificatePem(certificate), privateKeyPem: await exportPrivateKeyPem(keys.privateKey) };
  }

  private sign(
    publicKey: x509.PublicKeyType,
    params: { subject: string; notBefore?: Date; notAfter: Date; extensions: x509.Extension[] },
  ): Promise<x509.X509Certificate> {
    return x509.X509CertificateGenerator.create({
      serialNumber: newSerialNumber(),
      subject: params.subject,
      issuer: this.certificate.subject,
      notBefore: params.notBefore ?? new Date(),
      notAfter: params.notAfter,
      publicKey,
      signingKey: this.signingKey,
      signingAlgorithm: HUB_KEY_ALGORITHM,
      extensions: params.extensions,
    });
  }
}
