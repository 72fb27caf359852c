import { credentials, experimental, type ChannelCredentials, type ServerCredentials } from "@grpc/grpc-js";

export interface ServerTlsOptions {
  /** The CA that signs agents' client certificates (the hub's own CA), PEM. */
  caCertificatePem: string;
  /** The server's certificate chain, PEM; its names must match the address agents dial. */
  certificatePem: string;
  privateKeyPem: string;
}

export interface ClientTlsOptions {
  /** The CA to trust for the server's certificate, PEM; the system roots when absent. */
  caCertificatePem?: string;
  /** A client certificate (mTLS), PEM, with its key. */
  certificatePem?: string;
  privateKeyPem?: string;
}

/**
 * TLS for the hub's one port. Client certificates are requested but optional, because Register is
 * called before the agent has one and Connect needs one: a presented certificate that verifies
 * against `caCertificatePem` reaches handlers as HandlerContext.peerCertificate; one that does not
 * verify is dropped (the handshake still succeeds, and the handler sees none).
 *
 * grpc-js's `ServerCredentials.createSsl` cannot express "optional" (it requires the certificate
 * when it asks for one), so this uses its certificate-provider credentials, which can.
 */
export function createServerTls(options: ServerTlsOptions): ServerCredentials {
  const provider = staticCertificateProvider(options);
  // One provider for both roles: grpc-js 1.14 passes createCertificateProviderServerCredentials'
  // first two arguments to the constructor in swapped order, which this makes harmless.
  return experimental.createCertificateProviderServerCredentials(provider, provider, false);
}

/** Channel credentials for an agent or the CLI: the hub's CA, and the client certificate when mTLS. */
export function createClientTls(options: ClientTlsOptions = {}): ChannelCredentials {
  const pem = (text: string | undefined) => (text === undefined ? null : Buffer.from(text, "utf8"));
  return credentials.createSsl(pem(options.caCertificatePem), pem(options.privateKeyPem), pem(options.certificatePem));
}

function staticCertificateProvider(options: ServerTlsOptions): experimental.CertificateProvider {
  const ca = { caCertificate: Buffer.from(options.caCertificatePem, "utf8") };
  const identity = {
    certificate: Buffer.from(options.certificatePem, "utf8"),
    privateKey: Buffer.from(options.privateKeyPem, "utf8"),
  };
  // Delivered on the next microtask, not during add: grpc-js subscribes its server to the
  // credentials only after adding these listeners, and would miss (and never load) an update
  // delivered synchronously, dropping every connection "due to unloaded credentials".
  return {
    addCaCertificateListener: (listener) => queueMicrotask(() => listener(ca)),
    removeCaCertificateListener: () => {},
    addIdentityCertificateListener: (listener) => queueMicrotask(() => listener(identity)),
    removeIdentityCertificateListener: () => {},
  };
}
