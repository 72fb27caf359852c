import { LifeboatError } from "@lifeboat/shared";
import type { CertificateAuthority, IssuedCertificate } from "../pki/index.js";
import { newClusterId } from "../store/index.js";
import { hashTokenSecret } from "../tokens/index.js";
import type { ClusterRecord } from "./cluster-record.js";
import type { ClusterStore } from "./cluster-store.js";

/** What an agent sends to Register, as plain data. */
export interface RegisterClusterRequest {
  token: string;
  fingerprint: string;
  kubernetesVersion: string;
  agentVersion: string;
  /** The name the operator gave the agent; "" lets the hub derive one. */
  clusterName: string;
  csrPem: string;
}

export interface RegisterClusterDeps {
  clusters: ClusterStore;
  ca: CertificateAuthority;
  /** Validity of the client certificate. */
  certificateValidityDays: number;
}

export interface RegisterClusterResult {
  cluster: ClusterRecord;
  certificate: IssuedCertificate;
  /** False when the fingerprint was known: the cluster kept its id and got a new certificate. */
  created: boolean;
  /** The used token's hash fields (for its event). */
  tokenFields: string[];
}

// The fingerprint is a namespace UID; the other fields are short free text.
const FINGERPRINT = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
// A DNS label: the name is used in CLI output, selectors and file names.
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const MAX_TOKEN_CHARS = 256;
const MAX_VERSION_CHARS = 64;
// Two Registers of one cluster at the same moment: the loser re-reads the index and signs again.
const MAX_ATTEMPTS = 5;

const tokenRefusals = {
  "token-unknown": "registration token is unknown: create one with `lifeboat token create`",
  "token-used": "registration token is already used: tokens are single-use; create a new one",
  "token-revoked": "registration token was revoked: create a new one",
  "token-expired": "registration token is expired: create a new one with a longer --ttl if needed",
} as const;

/**
 * Checks a Register request, signs the agent's CSR and records the cluster, using up the token in
 * the same atomic step. The same fingerprint keeps its cluster id. Throws INVALID_ARGUMENT naming
 * the field at fault, and UNAUTHENTICATED saying whether the token is unknown, used, revoked or
 * expired; a refused request changes nothing. The token's secret never appears in an error.
 */
export async function registerCluster(deps: RegisterClusterDeps, request: RegisterClusterRequest): Promise<RegisterClusterResult> {
  checkRequest(request);
  const tokenHash = hashTokenSecret(request.token);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const known = await deps.clusters.findByFingerprint(request.fingerprint);
    const clusterId = known ?? newClusterId();
    const certificate = await deps.ca.issueClientCertificate(request.csrPem, clusterId, {
      validityDays: deps.certificateValidityDays,
      csrField: "csr_pem",
    });
    const outcome = await deps.clusters.register({
      tokenHash,
      clusterId,
      isKnown: known !== undefined,
      fingerprint: request.fingerprint,
      nameHint: request.clusterName,
      kubernetesVersion: request.kubernetesVersion,
      agentVersion: request.agentVersion,
      certificate: { serial: certificate.serial, notBefore: certificate.notBefore.getTime(), notAfter: certificate.notAfter.getTime() },
    });
    if (outcome.status === "ok") return { cluster: outcome.cluster, certificate, created: outcome.created, tokenFields: outcome.tokenFields };
    if (outcome.status !== "retry") throw new LifeboatError("UNAUTHENTICATED", tokenRefusals[outcome.status], { field: "token" });
  }
  throw new LifeboatError("UNAVAILABLE", `cluster with fingerprint ${request.fingerprint} is being registered concurrently; try again`, {
    field: "fingerprint",
    value: request.fingerprint,
    retryable: true,
  });
}

function checkRequest(request: RegisterClusterRequest): void {
  const invalid = (field: string, value: string | undefined, why: string) =>
    new LifeboatError("INVALID_ARGUMENT", `${field}${value === undefined ? "" : ` ${JSON.stringify(value)}`} is invalid: ${why}`, { field, value });
  // The token's value is never echoed, even when malformed: it may be a real secret mistyped.
  if (request.token === "") throw invalid("token", undefined, "it is empty; pass the secret `lifeboat token create` printed");
  if (request.token.length > MAX_TOKEN_CHARS) throw invalid("token", undefined, `it is longer than ${MAX_TOKEN_CHARS} characters`);
  if (!FINGERPRINT.test(request.fingerprint)) {
    throw invalid("fingerprint", request.fingerprint, "give the UID of the cluster's kube-system namespace (1-128 letters, digits, '.', '_', ':' or '-')");
  }
  for (const [field, value] of [
    ["kubernetes_version", request.kubernetesVersion],
    ["agent_version", request.agentVersion],
  ] as const) {
    if (value === "" || value.length > MAX_VERSION_CHARS || /\s/.test(value)) {
      throw invalid(field, value, `must be a version string of 1-${MAX_VERSION_CHARS} characters without spaces, e.g. "v1.30.2"`);
    }
  }
  if (request.clusterName !== "" && !CLUSTER_NAME.test(request.clusterName)) {
    throw invalid("cluster_name", request.clusterName, "must be a DNS label: 1-63 lower-case letters, digits or '-', starting and ending with a letter or digit");
  }
  if (request.csrPem === "") throw invalid("csr_pem", undefined, "it is empty; send a PKCS#10 CSR in PEM for the agent's key pair");
}
