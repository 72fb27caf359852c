import { durationFromMs } from "@bufbuild/protobuf/wkt";
import type { AgentHello, AgentMessage } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { ClusterRecord } from "../clusters/index.js";
import type { AgentSettings } from "../config/index.js";
import type { PeerIdentity } from "../pki/index.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Checks the first message of a Connect stream: it must be hello, from an agent, with the
 * fingerprint the certificate's cluster registered with. Throws INVALID_ARGUMENT (not hello),
 * PERMISSION_DENIED (another cluster's fingerprint: a copied certificate) or FAILED_PRECONDITION
 * (not an agent).
 */
export function readHello(message: AgentMessage, cluster: ClusterRecord, identity: PeerIdentity): AgentHello {
  if (message.kind.case !== "hello") {
    throw new LifeboatError("INVALID_ARGUMENT", `the first message on Connect must be hello, not ${message.kind.case ?? "an empty message"}`, {
      field: "kind",
      value: message.kind.case ?? "",
    });
  }
  const hello = message.kind.value;
  if (hello.fingerprint !== cluster.fingerprint) {
    throw new LifeboatError(
      "PERMISSION_DENIED",
      `hello.fingerprint ${JSON.stringify(hello.fingerprint)} is not the fingerprint cluster ${cluster.id} registered with: certificate serial ${identity.serial} belongs to another cluster; register this cluster with its own token`,
      { field: "hello.fingerprint", value: hello.fingerprint },
    );
  }
  // Every agent of contract lifeboat.v1 is accepted; a future contract adds a version check here.
  if (hello.build && hello.build.component !== "" && hello.build.component !== "agent") {
    throw new LifeboatError("FAILED_PRECONDITION", `hello.build.component ${JSON.stringify(hello.build.component)} is not "agent": only agents connect`, {
      field: "hello.build.component",
      value: hello.build.component,
    });
  }
  return hello;
}

/** The configuration the hub sends in Welcome: how it wants the agent to behave. */
export function agentConfiguration(settings: AgentSettings, maxMessageBytes: number) {
  return {
    heartbeatInterval: durationFromMs(settings.heartbeatIntervalMs),
    leaseDuration: durationFromMs(settings.leaseMs),
    certificateRenewBefore: durationFromMs(settings.certificateRenewBeforeDays * DAY_MS),
    maxMessageBytes,
    inventoryInterval: durationFromMs(settings.inventoryIntervalMs),
  };
}
