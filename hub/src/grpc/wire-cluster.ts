import { fromBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { ClusterSchema, ClusterState, InventorySchema, type Inventory } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { ClusterRecord, ClusterState as RecordState } from "../clusters/index.js";
import { wireTime } from "./wire-time.js";

const wireStates: Record<RecordState, ClusterState> = {
  connected: ClusterState.CONNECTED,
  disconnected: ClusterState.DISCONNECTED,
};

/** The state a ListClusters filter names, or undefined for all. */
export function clusterStateFromWire(state: ClusterState): RecordState | undefined {
  if (state === ClusterState.UNSPECIFIED) return undefined;
  const found = (Object.entries(wireStates) as [RecordState, ClusterState][]).find(([, wire]) => wire === state);
  if (!found) throw new LifeboatError("INVALID_ARGUMENT", `state ${state} is not a known ClusterState`, { field: "state", value: String(state) });
  return found[0];
}

/** A cluster record (and, for GetCluster, its stored inventory) as the wire Cluster. */
export function toWireCluster(record: ClusterRecord, inventory?: Uint8Array): MessageInitShape<typeof ClusterSchema> {
  return {
    id: record.id,
    name: record.name,
    labels: record.labels,
    fingerprint: record.fingerprint,
    kubernetesVersion: record.kubernetesVersion,
    agentVersion: record.agentVersion,
    state: wireStates[record.state],
    connectedHub: record.state === "connected" ? (record.connectedHub ?? "") : "",
    connectTime: wireTime(record.connectTime),
    disconnectTime: wireTime(record.disconnectTime),
    lastHeartbeatTime: wireTime(record.lastHeartbeatTime),
    certificate: {
      serial: record.certificate.serial,
      notBefore: wireTime(record.certificate.notBefore),
      notAfter: wireTime(record.certificate.notAfter),
    },
    inventory: inventory ? readStoredInventory(record, inventory) : undefined,
    registrationTokenId: record.registrationTokenId,
    createTime: wireTime(record.createTime),
    updateTime: wireTime(record.updateTime),
  };
}

function readStoredInventory(record: ClusterRecord, bytes: Uint8Array): Inventory {
  try {
    return fromBinary(InventorySchema, bytes);
  } catch (err) {
    throw new LifeboatError("CORRUPT", `stored inventory of cluster ${record.id} does not decode as lifeboat.v1.Inventory`, { cause: err });
  }
}
