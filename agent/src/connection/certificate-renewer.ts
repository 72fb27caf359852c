import type { RenewedCertificate } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { Logger } from "pino";
import {
  checkIssuedIdentity,
  createCsr,
  exportPrivateKeyPem,
  generateKeyPair,
  isRenewalDue,
  readCertificateValidity,
  type AgentIdentity,
  type IdentityStore,
} from "../identity/index.js";

interface PendingRenewal {
  privateKeyPem: string;
  csrPem: string;
  /** The session the CSR was last sent on. */
  sentOn: object | undefined;
}

/**
 * Renews the agent's client certificate over the stream before it expires: a fresh key pair,
 * a CSR for it (CertificateRenewal), and on RenewedCertificate the new key and certificate
 * stored together. The running stream keeps its certificate; the next connection uses the new one.
 */
export class CertificateRenewer {
  private pending: PendingRenewal | undefined;
  /** A key pair and CSR are being made: a second caller (welcome and a heartbeat at once) waits its turn. */
  private isPreparing = false;

  constructor(
    private readonly store: IdentityStore,
    private readonly logger: Logger,
  ) {}

  /**
   * The CSR to send on `session` now, or undefined: when the certificate is not yet due (see
   * isRenewalDue) or a request already went out on this session. A request that got no answer
   * is sent again, for the same key, on the next session.
   */
  async csrIfDue(identity: AgentIdentity, session: object, renewBeforeMs: number, now = new Date()): Promise<string | undefined> {
    const validity = readCertificateValidity(identity.certificatePem, "the agent's client certificate");
    if (!isRenewalDue(validity, now, renewBeforeMs)) return undefined;
    if (this.pending?.sentOn === session || this.isPreparing) return undefined;
    if (!this.pending) {
      this.isPreparing = true;
      try {
        const keys = await generateKeyPair();
        this.pending = {
          privateKeyPem: await exportPrivateKeyPem(keys.privateKey),
          csrPem: await createCsr(keys, identity.clusterId),
          sentOn: undefined,
        };
      } finally {
        this.isPreparing = false;
      }
    }
    this.pending.sentOn = session;
    this.logger.info({ notAfter: validity.notAfter.toISOString(), serialNumber: validity.serialNumber }, "asking the hub to renew the client certificate");
    return this.pending.csrPem;
  }

  /**
   * Stores the renewed certificate with the key it was requested for and returns the new
   * identity. Throws INTERNAL when the certificate is not for that key, and when nothing was asked.
   */
  async accept(identity: AgentIdentity, renewed: RenewedCertificate): Promise<AgentIdentity> {
    if (!this.pending) {
      throw new LifeboatError("INTERNAL", "the hub sent a renewed certificate the agent did not ask for");
    }
    const next: AgentIdentity = {
      ...identity,
      privateKeyPem: this.pending.privateKeyPem,
      certificatePem: renewed.certificatePem,
      caCertificatePem: renewed.caCertificatePem || identity.caCertificatePem,
    };
    checkIssuedIdentity(next, "the hub answered CertificateRenewal");
    await this.store.save(next);
    this.pending = undefined;
    const validity = readCertificateValidity(next.certificatePem, "the renewed client certificate");
    this.logger.info({ notAfter: validity.notAfter.toISOString(), serialNumber: validity.serialNumber }, "client certificate renewed");
    return next;
  }
}
