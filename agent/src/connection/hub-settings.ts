import { durationMs } from "@bufbuild/protobuf/wkt";
import type { AgentConfiguration } from "@lifeboat/proto";
import { DEFAULT_MAX_MESSAGE_BYTES } from "@lifeboat/shared";

/** How the hub wants the agent to behave (AgentConfiguration), with the agent's defaults filled in. */
export interface HubSettings {
  heartbeatIntervalMs: number;
  /** A task's lease; progress is reported every third of it. */
  leaseDurationMs: number;
  /** Renew the client certificate when less than this is left (a third of its life at least). */
  certificateRenewBeforeMs: number;
  maxMessageBytes: number;
  /** How often to send an inventory unasked; undefined when the hub leaves it to the agent, 0 for only after hello. */
  inventoryIntervalMs: number | undefined;
}

/** What the agent assumes until the hub's welcome says otherwise. */
export const DEFAULT_HUB_SETTINGS: HubSettings = {
  heartbeatIntervalMs: 15_000,
  leaseDurationMs: 60_000,
  certificateRenewBeforeMs: 0,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  inventoryIntervalMs: undefined,
};

// Floors that keep a misconfigured hub from making the agent spin.
const MIN_HEARTBEAT_MS = 100;
const MIN_LEASE_MS = 300;

/**
 * The settings an AgentConfiguration gives, each field the hub left unset (or zero, for
 * durations where zero makes no sense) keeping its value in `base`.
 */
export function applyConfiguration(base: HubSettings, configuration: AgentConfiguration | undefined): HubSettings {
  if (!configuration) return base;
  const positive = (value: number | undefined, floor: number) => (value !== undefined && value > 0 ? Math.max(value, floor) : undefined);
  const ms = (duration: Parameters<typeof durationMs>[0] | undefined) => (duration ? durationMs(duration) : undefined);
  return {
    heartbeatIntervalMs: positive(ms(configuration.heartbeatInterval), MIN_HEARTBEAT_MS) ?? base.heartbeatIntervalMs,
    leaseDurationMs: positive(ms(configuration.leaseDuration), MIN_LEASE_MS) ?? base.leaseDurationMs,
    certificateRenewBeforeMs: ms(configuration.certificateRenewBefore) ?? base.certificateRenewBeforeMs,
    maxMessageBytes: configuration.maxMessageBytes > 0 ? configuration.maxMessageBytes : base.maxMessageBytes,
    inventoryIntervalMs: configuration.inventoryInterval ? Math.max(0, durationMs(configuration.inventoryInterval)) : base.inventoryIntervalMs,
  };
}
