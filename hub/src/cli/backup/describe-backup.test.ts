import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { BackupMode, BackupPhase, BackupSchema, ClusterResourcePolicy, type Backup } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { formatDuration, formatMessage, renderBackupDescription } from "./describe-backup.js";

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);

function finished(init: MessageInitShape<typeof BackupSchema> = {}): Backup {
  const base: MessageInitShape<typeof BackupSchema> = {
    id: "bk-1",
    clusterId: "c-1",
    clusterName: "eu-1",
    policyId: "pol-7",
    phase: BackupPhase.PARTIALLY_FAILED,
    kubernetesVersion: "v1.30.2",
    taskId: "backup-bk-1",
    labels: { schedule: "nightly" },
    createTime: timestampFromMs(T0),
    startTime: timestampFromMs(T0 + 1_000),
    completionTime: timestampFromMs(T0 + 61_000),
    expireTime: timestampFromMs(T0 + 30 * 86_400_000),
    spec: {
      repository: "main",
      includedNamespaces: ["shop"],
      excludedResources: ["events"],
      includeClusterResources: ClusterResourcePolicy.AUTO,
      labelSelector: "app=web",
      mode: BackupMode.NORMAL,
      ttl: { seconds: 2_592_000n },
      hooks: [{ name: "flush", pre: [{ command: ["sync"] }] }],
    },
    summary: {
      items: 5n,
      itemVersions: 7n,
      bytes: 2048n,
      bytesAdded: 1024n,
      dependenciesAdded: 1n,
      itemsPerResource: { "deployments.apps": 2n, configmaps: 3n },
      itemsPerNamespace: { shop: 4n, "": 1n },
      warnings: Array.from({ length: 12 }, (_, i) => ({ resource: "configmaps", namespace: "shop", name: `cm-${i}`, message: "large" })),
      errors: [{ resource: "secrets", namespace: "shop", name: "tls", message: "forbidden" }, { message: "volume data skipped" }],
      hooks: [
        {
          hook: "flush",
          phase: "pre",
          namespace: "shop",
          pod: "db-0",
          container: "postgres",
          command: ["psql", "-c", "CHECKPOINT"],
          succeeded: true,
          exitCode: 0,
          stdout: "1\n2\n3\n4\n5\n6\n7\n",
          duration: { seconds: 1n, nanos: 500_000_000 },
        },
        { hook: "thaw", phase: "post", namespace: "shop", pod: "db-0", command: ["false"], succeeded: false, exitCode: 1, error: "exit code 1", stderr: "nope" },
      ],
    },
  };
  return create(BackupSchema, { ...base, ...init } as MessageInitShape<typeof BackupSchema>);
}

describe("renderBackupDescription", () => {
  it("shows phase, times, spec, counts per resource and namespace, messages and hook results", () => {
    const text = renderBackupDescription(finished());
    expect(text).toMatch(/^id:\s+bk-1$/m);
    expect(text).toMatch(/^cluster:\s+eu-1 \(c-1\)$/m);
    expect(text).toMatch(/^policy:\s+pol-7$/m);
    expect(text).toMatch(/^phase:\s+PARTIALLY_FAILED$/m);
    expect(text).toMatch(/^started:\s+2026-11-24T02:00:01Z$/m);
    expect(text).toMatch(/^expires:\s+2026-12-24T02:00:00Z$/m);
    expect(text).toContain("Spec:\n  repository:");
    expect(text).toMatch(/^ {2}namespaces:\s+shop$/m);
    expect(text).toMatch(/^ {2}resources:\s+\* \(not events\)$/m);
    expect(text).toMatch(/^ {2}label selector:\s+app=web$/m);
    expect(text).toMatch(/^ {2}ttl:\s+720h$/m);
    expect(text).toMatch(/^ {2}hooks:\s+flush: 1 pre, 0 post$/m);
    expect(text).toMatch(/^items:\s+5 \(7 item versions, 1 added as dependencies\)$/m);
    expect(text).toMatch(/^bytes:\s+2\.0 KiB of item JSON, 1\.0 KiB added to the repository$/m);
    // Biggest first.
    expect(text).toMatch(/Items per resource:\n {2}RESOURCE\s+ITEMS\n {2}configmaps\s+3\n {2}deployments\.apps\s+2\n/);
    expect(text).toMatch(/Items per namespace:\n {2}NAMESPACE\s+ITEMS\n {2}shop\s+4\n {2}\(cluster-scoped\)\s+1\n/);
    expect(text).toContain("Warnings (12):\n  configmaps shop/cm-0: large\n");
    expect(text).toContain("  … 2 more (--details)");
    expect(text).not.toContain("cm-11");
    expect(text).toContain("Errors (2):\n  secrets shop/tls: forbidden\n  volume data skipped\n");
    expect(text).toContain("  pre flush shop/db-0/postgres: ok, exit 0 in 1.5s\n    command: psql -c CHECKPOINT\n    stdout:\n      1\n");
    expect(text).toContain("      … 2 more lines (--details)");
    expect(text).toContain("  post thaw shop/db-0: FAILED: exit code 1\n    command: false\n    stderr:\n      nope\n");
  });

  it("lists every message, whole hook output and dry-run items with --details", () => {
    const dryRun = finished({ phase: BackupPhase.COMPLETED });
    dryRun.summary!.dryRunItems = Array.from({ length: 11 }, (_, i) => `configmaps/shop/cm-${i}`);
    const brief = renderBackupDescription(dryRun);
    expect(brief).toContain("Dry run: 11 items would be backed up\n  configmaps/shop/cm-0\n");
    expect(brief).not.toContain("cm-10\n");
    const full = renderBackupDescription(dryRun, { details: true });
    expect(full).toContain("  configmaps shop/cm-11: large");
    expect(full).toContain("  configmaps/shop/cm-10\n");
    expect(full).toContain("      7\n");
    expect(full).not.toContain("more (--details)");
    expect(full).not.toContain("more lines");
  });

  it("shows why a backup failed or was refused, and progress while it runs", () => {
    const failed = renderBackupDescription(finished({ phase: BackupPhase.FAILED, failureReason: "agent lost", summary: undefined }));
    expect(failed).toMatch(/^failure reason:\s+agent lost$/m);
    expect(failed).not.toContain("Items per");
    const refused = renderBackupDescription(finished({ phase: BackupPhase.FAILED_VALIDATION, validationErrors: ["spec.repository: unknown", "spec.ttl: negative"], summary: undefined }));
    expect(refused).toMatch(/^validation errors:\s+spec\.repository: unknown; spec\.ttl: negative$/m);
    const running = renderBackupDescription(finished({ phase: BackupPhase.IN_PROGRESS, summary: undefined, progress: { stage: "serialize", itemsDone: 3n, itemsTotal: 9n, bytes: 100n } }));
    expect(running).toMatch(/^progress:\s+serialize 3\/9 items, 100 B/m);
    const onDemand = renderBackupDescription(finished({ policyId: "" }));
    expect(onDemand).toMatch(/^policy:\s+\(on demand\)$/m);
  });

  it("formats durations and messages as people write them", () => {
    expect(formatDuration({ seconds: 2_592_000n, nanos: 0 } as never)).toBe("720h");
    expect(formatDuration({ seconds: 900n, nanos: 0 } as never)).toBe("15m");
    expect(formatDuration({ seconds: 90n, nanos: 0 } as never)).toBe("1m30s");
    expect(formatDuration({ seconds: 45n, nanos: 0 } as never)).toBe("45s");
    expect(formatMessage({ resource: "namespaces", namespace: "", name: "shop", message: "m" } as never)).toBe("namespaces shop: m");
  });
});
