import { create } from "@bufbuild/protobuf";
import { InventoryResultSchema } from "@lifeboat/proto";
import { collectInventory } from "../../kube/index.js";
import type { TaskKind } from "../task-kind.js";

/** Collects the cluster's inventory. Only reads the cluster, so running it again is harmless. */
export const inventoryTask: TaskKind<"inventory"> = {
  async run(_spec, context) {
    const inventory = await collectInventory(context.kube, {
      signal: context.signal,
      onProgress: (percent, message) => context.progress({ percent, message }),
      onDiscoveryFailures: (failed) =>
        context.logger.warn(
          { groupVersions: failed.map((f) => f.groupVersion) },
          "discovery left out group versions that did not answer",
        ),
    });
    return create(InventoryResultSchema, { inventory });
  },
};
