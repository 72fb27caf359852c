import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { BackupPhase, BackupSchema, VolumeBackupPhase, VolumePolicy, type Backup } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { renderBackupDescription } from "./describe-backup.js";

const GiB = 1024n ** 3n;
const MiB = 1024n ** 2n;

/** A finished backup of a shop with a database, a cache and a config volume, one of which failed. */
function withVolumes(init: MessageInitShape<typeof BackupSchema> = {}): Backup {
  return create(BackupSchema, {
    id: "bk-2",
    clusterId: "c-1",
    clusterName: "eu-1",
    phase: BackupPhase.PARTIALLY_FAILED,
    spec: {
      repository: "main",
      volumes: { defaultPolicy: VolumePolicy.FS, storageClassPolicies: { "fast-ssd": VolumePolicy.SNAPSHOT }, snapshotClass: "csi-snap", full: true, timeout: { seconds: 1800n } },
    },
    summary: {
      items: 9n,
      volumes: [
        {
          namespace: "shop",
          pod: "db-0",
          volume: "data",
          claim: "data-db-0",
          persistentVolume: "pvc-4f1c9a2e",
          storageClass: "fast-ssd",
          driver: "ebs.csi.aws.com",
          mode: VolumePolicy.SNAPSHOT,
          phase: VolumeBackupPhase.COMPLETED,
          snapshotId: "9f3a1c0d7e2b44aa91c3",
          parentSnapshotId: "11aa22bb33cc",
          capacity: "10Gi",
          bytes: 2n * GiB,
          files: 1204n,
          bytesRead: 412n * MiB,
          filesReused: 1150n,
          node: "node-a",
          snapshotClass: "csi-snap",
        },
        {
          namespace: "shop",
          pod: "web-7d9",
          volume: "uploads",
          claim: "uploads",
          persistentVolume: "pvc-77e0",
          storageClass: "standard",
          driver: "kubernetes.io/aws-ebs",
          mode: VolumePolicy.FS,
          phase: VolumeBackupPhase.FAILED,
          reason: "node agent on node-b did not answer within 10m",
        },
        { namespace: "shop", pod: "web-7d9", volume: "config", mode: VolumePolicy.NONE, phase: VolumeBackupPhase.SKIPPED, reason: "configMap volume: its data comes from the ConfigMap" },
      ],
    },
    ...init,
  } as MessageInitShape<typeof BackupSchema>);
}

describe("backup describe with volumes", () => {
  it("shows the volume options in the spec and one line of volume counts", () => {
    const text = renderBackupDescription(withVolumes());
    expect(text).toMatch(/^ {2}volumes:\s+FS \(fast-ssd=SNAPSHOT\), snapshot class csi-snap, full copy, timeout 30m$/m);
    expect(text).toMatch(/^volumes:\s+1 copied \(2\.0 GiB, 412\.0 MiB read\), 1 failed, 1 skipped$/m);
  });

  it("without --details lists only the failed volumes, with their reasons", () => {
    const text = renderBackupDescription(withVolumes());
    expect(text).toContain("Failed volumes (1):\n  shop/web-7d9/uploads: FAILED: node agent on node-b did not answer within 10m\n");
    expect(text).not.toContain("NAMESPACE   POD");
    expect(text).not.toContain("configMap volume");
  });

  it("with --details prints a table of every volume, then why each was not copied", () => {
    const text = renderBackupDescription(withVolumes(), { details: true });
    const table = text.slice(text.indexOf("Volumes (3):"), text.indexOf("Volumes not copied"));
    expect(table).toBe(
      [
        "Volumes (3):",
        "  NAMESPACE   POD       VOLUME    CLAIM       PV             STORAGE CLASS   DRIVER                  MODE       PHASE       SNAPSHOT       SIZE      FILES   READ        REUSED",
        "  shop        db-0      data      data-db-0   pvc-4f1c9a2e   fast-ssd        ebs.csi.aws.com         SNAPSHOT   COMPLETED   9f3a1c0d7e2b   2.0 GiB   1204    412.0 MiB   1150",
        "  shop        web-7d9   uploads   uploads     pvc-77e0       standard        kubernetes.io/aws-ebs   FS         FAILED      -              -         -       -           -",
        "  shop        web-7d9   config    -           -              -               -                       NONE       SKIPPED     -              -         -       -           -",
        "",
        "",
      ].join("\n"),
    );
    expect(text).toContain(
      [
        "Volumes not copied (2):",
        "  shop/web-7d9/uploads: FAILED: node agent on node-b did not answer within 10m",
        "  shop/web-7d9/config: SKIPPED: configMap volume: its data comes from the ConfigMap",
        "",
      ].join("\n"),
    );
  });

  it("prints no volume line or section for a backup without volumes", () => {
    const text = renderBackupDescription(withVolumes({ summary: { items: 1n } }), { details: true });
    expect(text).not.toMatch(/^volumes:/m);
    expect(text).not.toContain("Volumes");
  });

  it("shows the volume copy's progress on a running backup", () => {
    const running = withVolumes({
      phase: BackupPhase.IN_PROGRESS,
      summary: undefined,
      progress: { stage: "volumes", itemsDone: 9n, itemsTotal: 9n, bytes: 2048n, volumesDone: 1n, volumesTotal: 3n, volumeBytesDone: 412n * MiB, volumeBytesTotal: 2n * GiB, volumeBytesPerSecond: 180_000_000n, volumeEtaSeconds: 9n },
    });
    expect(renderBackupDescription(running)).toMatch(/^progress:\s+volumes 9\/9 items, 2\.0 KiB; volumes 1\/3 · 412\.0 MiB of 2\.0 GiB · 180\.0 MB\/s · ETA 9s/m);
  });
});
