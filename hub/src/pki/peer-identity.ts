import { LifeboatError } from "@lifeboat/shared";
import { x509 } from "./crypto.js";
import { normalizeSerial } from "./serial.js";

const CLUSTER_URI_PREFIX = "lifeboat://cluster/";

/** The URI SAN naming a cluster in its agent's client certificate. */
export function clusterUri(clusterId: string): string {
  return CLUSTER_URI_PREFIX + clusterId;
}

/** Who a verified client certificate says the caller is. */
export interface PeerIdentity {
  clusterId: string;
  /** Lower-case hex. */
  serial: string;
  notAfter: Date;
}

/**
 * Reads the cluster id and serial out of a client certificate (DER, as TLS hands it over). Only
 * the `lifeboat://cluster/<id>` URI SAN counts: the CN is for humans. The caller has already
 * verified the certificate against the hub's CA (the TLS handshake does). Throws UNAUTHENTICATED
 * when the certificate names no cluster.
 */
export function readPeerIdentity(der: Uint8Array): PeerIdentity {
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(new Uint8Array(der));
  } catch (err) {
    throw new LifeboatError("UNAUTHENTICATED", "the client certificate does not parse as X.509", { cause: err });
  }
  const serial = normalizeSerial(certificate.serialNumber);
  const names = certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? [];
  const uris = names.filter((n) => n.type === "url" && n.value.startsWith(CLUSTER_URI_PREFIX)).map((n) => n.value);
  if (uris.length !== 1) {
    throw new LifeboatError(
      "UNAUTHENTICATED",
      `client certificate serial ${serial} names no cluster: it needs exactly one ${CLUSTER_URI_PREFIX}<id> URI name; use the certificate Register returned`,
      { field: "certificate", value: serial },
    );
  }
  return { clusterId: uris[0]!.slice(CLUSTER_URI_PREFIX.length), serial, notAfter: certificate.notAfter };
}
