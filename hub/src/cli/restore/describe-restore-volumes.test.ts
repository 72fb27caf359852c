import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { RestorePhase, RestoreSchema, type Restore } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { renderRestoreDescription } from "./describe-restore.js";

function restored(init: MessageInitShape<typeof RestoreSchema> = {}): Restore {
  return create(RestoreSchema, {
    id: "rs-1",
    clusterId: "west",
    phase: RestorePhase.PARTIALLY_FAILED,
    spec: { backupId: "bk-2", skipVolumeData: false },
    summary: {
      items: 4n,
      created: 4n,
      volumes: [
        { namespace: "shop", claim: "data-db-0", persistentVolume: "pvc-91aa", storageClass: "gp3", snapshotId: "9f3a1c0d7e2b", succeeded: true, bytes: 2n * 1024n ** 3n, files: 1204n, node: "node-c", duration: { seconds: 12n, nanos: 500_000_000 } },
        { namespace: "shop", claim: "uploads", storageClass: "gp3", succeeded: false, error: "no node agent on node-d" },
      ],
    },
    ...init,
  } as MessageInitShape<typeof RestoreSchema>);
}

describe("restore describe with volumes", () => {
  it("counts the restored volumes and prints a table of them with each failure's error", () => {
    const text = renderRestoreDescription(restored());
    expect(text).toMatch(/^volumes:\s+1 restored \(2\.0 GiB\), 1 failed$/m);
    expect(text).toContain(
      [
        "Volumes (2):",
        "  NAMESPACE   CLAIM       PV         STORAGE CLASS   NODE     SIZE      FILES   TOOK    RESULT",
        "  shop        data-db-0   pvc-91aa   gp3             node-c   2.0 GiB   1204    12.5s   ok",
        "  shop        uploads     -          gp3             -        -         -       -       FAILED",
        "",
        "Failed volumes (1):",
        "  shop/uploads: no node agent on node-d",
        "",
      ].join("\n"),
    );
  });

  it("says when the spec skips volume data, and prints no volume section without volumes", () => {
    const text = renderRestoreDescription(restored({ spec: { backupId: "bk-2", skipVolumeData: true }, summary: { items: 1n } }));
    expect(text).toMatch(/^ {2}volume data:\s+skipped: claims are restored empty$/m);
    expect(text).not.toMatch(/^volumes:/m);
    expect(text).not.toContain("Volumes (");
  });

  it("shows volume progress on a running restore", () => {
    const running = restored({ phase: RestorePhase.IN_PROGRESS, summary: undefined, progress: { stage: "apply", itemsDone: 2n, itemsTotal: 4n, volumesDone: 1n, volumesTotal: 2n, volumeBytesDone: 1024n, volumeBytesTotal: 4096n } });
    expect(renderRestoreDescription(running)).toMatch(/^progress:\s+apply 2\/4 items; volumes 1\/2 · 1\.0 KiB of 4\.0 KiB/m);
  });
});
