import type { MessageInitShape } from "@bufbuild/protobuf";
import { RegistrationTokenSchema, RegistrationTokenState } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";
import type { TokenRecord, TokenState } from "../tokens/index.js";
import { wireTime } from "./wire-time.js";

const wireStates: Record<TokenState, RegistrationTokenState> = {
  active: RegistrationTokenState.ACTIVE,
  used: RegistrationTokenState.USED,
  revoked: RegistrationTokenState.REVOKED,
  expired: RegistrationTokenState.EXPIRED,
};

export function tokenStateFromWire(state: RegistrationTokenState): TokenState | undefined {
  if (state === RegistrationTokenState.UNSPECIFIED) return undefined;
  const found = (Object.entries(wireStates) as [TokenState, RegistrationTokenState][]).find(([, wire]) => wire === state);
  if (!found) throw new LifeboatError("INVALID_ARGUMENT", `state ${state} is not a known RegistrationTokenState`, { field: "state", value: String(state) });
  return found[0];
}

/** A token record as the wire RegistrationToken: never its secret or the secret's hash. */
export function toWireToken(record: TokenRecord): MessageInitShape<typeof RegistrationTokenSchema> {
  return {
    id: record.id,
    labels: record.labels,
    description: record.description,
    state: wireStates[record.state],
    createTime: wireTime(record.createTime),
    expireTime: wireTime(record.expireTime),
    useTime: wireTime(record.useTime),
    clusterId: record.clusterId ?? "",
    revokeTime: wireTime(record.revokeTime),
  };
}
