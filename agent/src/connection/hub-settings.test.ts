import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { AgentConfigurationSchema } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { DEFAULT_HUB_SETTINGS, applyConfiguration } from "./hub-settings.js";

describe("applyConfiguration", () => {
  it("takes every field the hub sets", () => {
    const settings = applyConfiguration(
      DEFAULT_HUB_SETTINGS,
      create(AgentConfigurationSchema, {
        heartbeatInterval: durationFromMs(5_000),
        leaseDuration: durationFromMs(90_000),
        certificateRenewBefore: durationFromMs(7 * 24 * 3600_000),
        maxMessageBytes: 4 * 1024 * 1024,
        inventoryInterval: durationFromMs(0),
      }),
    );
    expect(settings).toEqual({
      heartbeatIntervalMs: 5_000,
      leaseDurationMs: 90_000,
      certificateRenewBeforeMs: 7 * 24 * 3600_000,
      maxMessageBytes: 4 * 1024 * 1024,
      // Set to zero: inventory only after hello, not the agent's own period.
      inventoryIntervalMs: 0,
    });
  });

  it("keeps the current value of every field the hub leaves unset or zero", () => {
    const base = { ...DEFAULT_HUB_SETTINGS, heartbeatIntervalMs: 7_000, inventoryIntervalMs: 60_000 };
    expect(applyConfiguration(base, create(AgentConfigurationSchema, { heartbeatInterval: durationFromMs(0) }))).toEqual(base);
    expect(applyConfiguration(base, undefined)).toEqual(base);
  });

  it("does not let a tiny heartbeat or lease make the agent spin", () => {
    const settings = applyConfiguration(DEFAULT_HUB_SETTINGS, create(AgentConfigurationSchema, { heartbeatInterval: durationFromMs(1), leaseDuration: durationFromMs(3) }));
    expect(settings.heartbeatIntervalMs).toBeGreaterThanOrEqual(100);
    expect(settings.leaseDurationMs).toBeGreaterThanOrEqual(300);
  });
});
