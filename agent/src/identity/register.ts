import type { MessageInitShape } from "@bufbuild/protobuf";
import type { RegisterRequestSchema, RegisterResponse } from "@lifeboat/proto";
import { LifeboatError, isLifeboatError, type CallOptions } from "@lifeboat/shared";
import { isCertificateForKey } from "./certificate.js";
import { createCsr } from "./csr.js";
import type { AgentIdentity } from "./identity-store.js";
import { exportPrivateKeyPem, generateKeyPair } from "./key-pair.js";

/** The hub's AgentService.Register as the agent calls it (declared here, where it is used). */
export type RegisterCall = (request: MessageInitShape<typeof RegisterRequestSchema>, options?: CallOptions) => Promise<RegisterResponse>;

export interface RegistrationRequest {
  /** host:port of the hub replica called; the identity records it (the caller may record more). */
  hubAddress: string;
  /** The registration token's secret; sent to the hub, never logged or stored. */
  token: string;
  /** UID of the kube-system namespace. */
  fingerprint: string;
  kubernetesVersion: string;
  agentVersion: string;
  /** The name the operator gave the cluster at install; the hub uses it when free. */
  clusterName?: string;
}

/**
 * Registers the cluster with the hub: generates a key pair here (the private key never leaves
 * the agent), sends a CSR for it with the token and the cluster's fingerprint and versions, and
 * returns the identity the hub issued. Throws UNAUTHENTICATED, without the token, when the hub
 * refuses the token; INTERNAL when the hub's answer is unusable (a certificate for another key);
 * and whatever else the call failed with (UNAVAILABLE while the hub is down is retryable).
 */
export async function registerCluster(register: RegisterCall, request: RegistrationRequest, signal?: AbortSignal): Promise<AgentIdentity> {
  const keys = await generateKeyPair();
  const csrPem = await createCsr(keys, request.fingerprint);
  let response: RegisterResponse;
  try {
    response = await register(
      {
        token: request.token,
        fingerprint: request.fingerprint,
        kubernetesVersion: request.kubernetesVersion,
        agentVersion: request.agentVersion,
        clusterName: request.clusterName ?? "",
        csrPem,
      },
      { signal },
    );
  } catch (err) {
    if (isLifeboatError(err) && err.code === "UNAUTHENTICATED") {
      throw new LifeboatError(
        "UNAUTHENTICATED",
        // The hub's answer says which of unknown, used, revoked or expired; the hub never echoes the
        // secret, and should one, it is cut out here rather than logged.
        `the hub at ${request.hubAddress} refused the registration token (${err.message.replaceAll(request.token, "<token>")}); ` +
          "create a new registration token on the hub and start the agent with it",
        { field: "token", cause: err },
      );
    }
    throw err;
  }
  const privateKeyPem = await exportPrivateKeyPem(keys.privateKey);
  const identity: AgentIdentity = {
    clusterId: response.clusterId,
    hubAddresses: [request.hubAddress],
    privateKeyPem,
    certificatePem: response.certificatePem,
    caCertificatePem: response.caCertificatePem,
  };
  checkIssuedIdentity(identity, `the hub at ${request.hubAddress} answered Register`);
  return identity;
}

/** Throws INTERNAL naming `source` when an issued identity cannot be used to connect. */
export function checkIssuedIdentity(identity: AgentIdentity, source: string): void {
  const fail = (problem: string, field: string, cause?: unknown) =>
    new LifeboatError("INTERNAL", `${source} ${problem}`, { field, cause });
  if (!identity.clusterId) throw fail("without a cluster id", "cluster_id");
  if (!identity.caCertificatePem.trim()) throw fail("without the hub's CA certificate", "ca_certificate_pem");
  let matches: boolean;
  try {
    matches = isCertificateForKey(identity.certificatePem, identity.privateKeyPem, "certificate_pem");
  } catch (err) {
    throw fail("with a certificate that is not PEM X.509", "certificate_pem", err);
  }
  if (!matches) throw fail("with a certificate for a key other than the one in the agent's request", "certificate_pem");
}
