import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { RestorePhase, RestoreSchema, type Restore } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { restoreProgressBar, restoreProgressText } from "./restore-progress.js";

function restore(init: MessageInitShape<typeof RestoreSchema> = {}): Restore {
  return create(RestoreSchema, { id: "rs-1", clusterId: "c-2", phase: RestorePhase.IN_PROGRESS, ...init } as MessageInitShape<typeof RestoreSchema>);
}

describe("restore progress line", () => {
  it("shows items alone while the restore has no volume data", () => {
    expect(restoreProgressText(restore({ progress: { stage: "apply", itemsDone: 120n, itemsTotal: 300n } }))).toBe("IN_PROGRESS apply 120/300 items");
  });

  it("adds volumes done of planned and their bytes once there are volumes", () => {
    const r = restore({ progress: { stage: "apply", itemsDone: 10n, itemsTotal: 40n, volumesDone: 1n, volumesTotal: 3n, volumeBytesDone: 412n * 1024n * 1024n, volumeBytesTotal: 2n * 1024n ** 3n } });
    expect(restoreProgressText(r)).toBe("IN_PROGRESS apply 10/40 items · volumes 1/3 · 412.0 MiB of 2.0 GiB");
    // The bar stays on items: volume bytes are known only as each volume starts.
    expect(restoreProgressBar(r, 200)).toBe("[#####---------------]  25% IN_PROGRESS apply 10/40 items · volumes 1/3 · 412.0 MiB of 2.0 GiB");
    expect(restoreProgressText(restore({ progress: { stage: "volumes", volumesDone: 0n, volumesTotal: 2n } }))).toBe("IN_PROGRESS volumes 0/2");
  });

  it("says nothing of volumes once the restore is over", () => {
    expect(restoreProgressText(restore({ phase: RestorePhase.COMPLETED, progress: { stage: "apply", volumesDone: 3n, volumesTotal: 3n } }))).toBe("COMPLETED");
  });
});
