import type { ConversionFamily } from "./types.js";
import { identity } from "./types.js";

/**
 * CronJob batch/v1beta1 <-> batch/v1: the schemas match field for field (v1beta1 was kept in
 * step until its removal in 1.25), including spec.timeZone, which both versions gained in
 * 1.24; it passes through unchanged, so a v1beta1 client of an older persona may see a field
 * its release never had. Defaults (concurrencyPolicy Allow, suspend false, history limits 3
 * and 1) are the same in both versions.
 */
export const cronJobFamilies: ConversionFamily[] = [
  {
    storageKey: "batch/cronjobs",
    kind: "CronJob",
    hub: { group: "batch", version: "v1" },
    spokes: { "batch/v1beta1": identity },
  },
];
