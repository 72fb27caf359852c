import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { AgentService } from "@lifeboat/proto";
import { LifeboatError, type HandlerContext, type ServiceImplementation, type ServiceMethods } from "@lifeboat/shared";
import { registerCluster, revokedCertificate, type ClusterRecord } from "../clusters/index.js";
import { readPeerIdentity, type PeerIdentity } from "../pki/index.js";
import { parseClusterId } from "../store/index.js";
import { AgentSession, type AgentSessionDeps } from "./agent-session.js";

export type AgentServiceDeps = AgentSessionDeps;

/**
 * AgentService: Register (no credential: the registration token is the credential) and Connect
 * (the client certificate Register issued is the credential; the cluster id comes from it alone).
 */
export function createAgentService(deps: AgentServiceDeps): ServiceImplementation<ServiceMethods<typeof AgentService>> {
  return {
    async register(request, context) {
      try {
        const result = await registerCluster(
          { clusters: deps.clusters, ca: deps.ca, certificateValidityDays: deps.settings.certificateValidityDays },
          {
            token: request.token,
            fingerprint: request.fingerprint,
            kubernetesVersion: request.kubernetesVersion,
            agentVersion: request.agentVersion,
            clusterName: request.clusterName,
            csrPem: request.csrPem,
          },
        );
        deps.log.info(result.created ? "cluster registered" : "cluster registered again", {
          clusterId: result.cluster.id,
          name: result.cluster.name,
          fingerprint: result.cluster.fingerprint,
          tokenId: result.cluster.registrationTokenId,
          serial: result.certificate.serial,
          peer: context.peer,
        });
        return {
          clusterId: result.cluster.id,
          clusterName: result.cluster.name,
          certificatePem: result.certificate.certificatePem,
          caCertificatePem: deps.ca.certificatePem,
          notAfter: timestampFromMs(result.certificate.notAfter.getTime()),
        };
      } catch (err) {
        // Which token was refused is not logged: the request carries only its secret.
        if (err instanceof Error) deps.log.warn("registration refused", { peer: context.peer, reason: err.message });
        throw err;
      }
    },

    async connect(stream, context) {
      const { identity, cluster } = await authenticateAgent(deps, context);
      await new AgentSession(deps, identity, cluster, stream, context).run();
    },
  };
}

/**
 * Who is calling Connect: the cluster the verified client certificate names, provided the
 * certificate was not revoked and the cluster still exists. Throws UNAUTHENTICATED saying why not.
 */
export async function authenticateAgent(
  deps: Pick<AgentServiceDeps, "clusters">,
  context: HandlerContext,
): Promise<{ identity: PeerIdentity; cluster: ClusterRecord }> {
  const certificate = context.peerCertificate;
  if (!certificate) {
    // TLS hands over only a certificate that verified against the hub's CA and is unexpired,
    // so one from another CA, or an expired one, arrives here as none.
    throw new LifeboatError(
      "UNAUTHENTICATED",
      "a client certificate is required: Connect needs the unexpired certificate Register issued, signed by this hub's CA (none was presented, or the one presented did not verify)",
      { field: "certificate" },
    );
  }
  const identity = readPeerIdentity(certificate.raw);
  const clusterId = parseClusterId(identity.clusterId, "certificate");
  if (await deps.clusters.isRevoked(identity.serial)) throw revokedCertificate(identity.serial);
  const cluster = await deps.clusters.get(clusterId);
  if (!cluster) {
    throw new LifeboatError("UNAUTHENTICATED", `certificate serial ${identity.serial} names cluster ${clusterId}, which is not registered: register the agent again`, {
      field: "certificate",
      value: identity.serial,
    });
  }
  return { identity, cluster };
}
