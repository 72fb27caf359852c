import { describe, expect, it } from "vitest";
import { datasetKinds, perKindCounts, planObjects } from "./dataset.js";
import { growthByEntry, judge, unchangedGrowth, type BackupBenchResult, type BackupFigures } from "./report.js";

const pass = (seconds: number) => ({ seconds, requests: 10, items: 1000, labelled: 900, bytes: 1e6 });

function backup(overrides: Partial<BackupFigures>): BackupFigures {
  return {
    label: "first backup",
    runS: 10,
    stageSeconds: [["discover", 0.1], ["serialize", 9.9]],
    processS: 12,
    cpuS: 9,
    emulatorCpuS: 4,
    peakRssMiB: 300,
    phase: "BACKUP_PHASE_COMPLETED",
    items: 100_000,
    itemVersions: 115_000,
    bytes: 9e7,
    bytesAdded: 3e7,
    warnings: 0,
    errors: 0,
    repoBytes: 30_000_500,
    repoFiles: 20,
    repoDiskBytes: 30_100_000,
    repoByEntry: { packs: 30_000_000, "repository.json": 500 },
    ...overrides,
  };
}

function result(backups: BackupFigures[], kubectlS = 8): BackupBenchResult {
  return {
    command: "",
    machine: { cpus: 2, cpuModel: "", memoryGiB: 1, node: "", kubectl: "", loadAverageAtStart: [], loadAverageAtEnd: [] },
    config: { objects: 99_000, namespaces: 1000, perKind: {}, limit: 500, concurrency: 16, listConcurrency: 1, k8sVersion: "1.30", runner: "built" },
    load: { namespaces: 1000, objects: 99_000, seconds: 20, objectsPerSecond: 4950, meanRequestBytes: 700 },
    listTargets: 56,
    reference: { firstHttp: pass(3), kubectl: pass(kubectlS), http: pass(2), kubectlStartS: 0.1 },
    emptyRepoBytes: 500,
    backups,
  };
}

describe("backup benchmark report", () => {
  it("passes every target when the backup is fast, small and deduplicated", () => {
    const second = backup({ label: "second", repoBytes: 30_100_500, repoByEntry: { packs: 30_000_000, backups: 100_000, "repository.json": 500 } });
    const verdicts = judge(result([backup({}), second]));
    expect(verdicts.map((v) => v.pass)).toEqual([true, true, true, true, true]);
  });

  it("fails the ratio, rate, memory and dedup targets when each is missed", () => {
    const first = backup({ runS: 25, peakRssMiB: 600 });
    const second = backup({ repoBytes: 33_000_500 });
    const verdicts = judge(result([first, second], 16));
    expect(verdicts.map((v) => v.pass)).toEqual([false, false, false, false, true]);
  });

  it("fails when a backup left loaded objects out or did not complete", () => {
    const verdicts = judge(result([backup({ items: 50_000 }), backup({ phase: "BACKUP_PHASE_PARTIALLY_FAILED" })]));
    expect(verdicts.at(-1)!.pass).toBe(false);
  });

  it("fails every target when no backup ran", () => {
    const verdicts = judge(result([]));
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.every((v) => !v.pass)).toBe(true);
  });

  it("measures growth against what the first backup added, per folder", () => {
    const first = backup({});
    const second = backup({ repoBytes: 30_300_500, repoByEntry: { packs: 30_000_000, backups: 300_000, "repository.json": 500 } });
    expect(unchangedGrowth(500, first, second)).toBeCloseTo(0.01);
    expect(growthByEntry(first, second)).toEqual([["backups", 300_000]]);
  });
});

describe("backup benchmark dataset", () => {
  it("splits the objects by weight, adding up to the total", () => {
    for (const total of [1, 7, 999, 10_000, 100_000]) {
      const counts = perKindCounts(total);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
    }
    expect(perKindCounts(100_000)).toEqual([25_000, 20_000, 15_000, 15_000, 10_000, 15_000]);
  });

  it("plans unique names per kind and namespace", () => {
    const seen = new Set<string>();
    let n = 0;
    for (const o of planObjects(2000, 7)) {
      const body = JSON.parse(o.body) as { metadata: { name: string; namespace: string; labels: Record<string, string> } };
      expect(body.metadata.namespace).toBe(o.namespace);
      expect(body.metadata.labels["lifeboat.io/bench"]).toBe("backup");
      seen.add(`${o.kind.kind}/${o.namespace}/${body.metadata.name}`);
      n++;
    }
    expect(n).toBe(2000);
    expect(seen.size).toBe(2000);
    expect(new Set(datasetKinds.map((k) => k.kind)).size).toBe(datasetKinds.length);
  });
});
