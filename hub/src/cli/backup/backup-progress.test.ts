import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { BackupPhase, BackupSchema, type Backup } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared/errors";
import { describe, expect, it } from "vitest";
import { progressBar, progressText, startProgressDisplay, waitForBackups, waitOutcome, type ProgressStream } from "./backup-progress.js";

function backup(init: MessageInitShape<typeof BackupSchema> = {}): Backup {
  return create(BackupSchema, { id: "bk-1", clusterId: "c-1", clusterName: "eu-1", ...init } as MessageInitShape<typeof BackupSchema>);
}

const running = (itemsDone: bigint, itemsTotal: bigint, stage = "serialize") =>
  backup({ phase: BackupPhase.IN_PROGRESS, progress: { stage, itemsDone, itemsTotal, bytes: 1536n } });

class Recorder implements ProgressStream {
  text = "";
  constructor(
    readonly isTTY: boolean,
    readonly columns = 120,
  ) {}
  write(text: string) {
    this.text += text;
  }
}

describe("progress line", () => {
  it("shows the phase, then the stage, items and bytes while running", () => {
    expect(progressText(backup({ phase: BackupPhase.NEW }))).toBe("NEW");
    expect(progressText(running(120n, 300n))).toBe("IN_PROGRESS serialize 120/300 items 1.5 KiB");
    expect(progressText(backup({ phase: BackupPhase.IN_PROGRESS, progress: { stage: "discover" } }))).toBe("IN_PROGRESS discover");
    expect(progressText(backup({ phase: BackupPhase.COMPLETED, progress: { stage: "manifest", itemsDone: 3n, itemsTotal: 3n } }))).toBe("COMPLETED");
  });

  it("draws a bar of items done over items known, full once final, cut to the width", () => {
    expect(progressBar(running(120n, 300n), 200)).toBe("[########------------]  40% IN_PROGRESS serialize 120/300 items 1.5 KiB");
    expect(progressBar(running(0n, 0n, "discover"), 200)).toBe("[--------------------]   0% IN_PROGRESS discover 1.5 KiB");
    expect(progressBar(backup({ phase: BackupPhase.COMPLETED }), 200)).toBe("[####################] 100% COMPLETED");
    const cut = progressBar(running(1n, 2n), 30);
    expect(cut).toHaveLength(30);
    expect(cut.endsWith("…")).toBe(true);
  });
});

describe("progress line in the volumes stage", () => {
  const copying = (progress: MessageInitShape<typeof BackupSchema>["progress"]) => backup({ phase: BackupPhase.IN_PROGRESS, progress: { stage: "volumes", itemsDone: 40n, itemsTotal: 40n, bytes: 1536n, ...progress } });

  it("shows volumes done of planned, bytes of known, the rate and the time left instead of the items", () => {
    const b = copying({ volumesDone: 1n, volumesTotal: 3n, volumeBytesDone: 412n * 1024n * 1024n, volumeBytesTotal: 2n * 1024n ** 3n, volumeBytesPerSecond: 180_000_000n, volumeEtaSeconds: 9n });
    expect(progressText(b)).toBe("IN_PROGRESS volumes 1/3 · 412.0 MiB of 2.0 GiB · 180.0 MB/s · ETA 9s");
    // The bar follows the volume bytes: 412 MiB of 2 GiB is 20%.
    expect(progressBar(b, 200)).toBe("[####----------------]  20% IN_PROGRESS volumes 1/3 · 412.0 MiB of 2.0 GiB · 180.0 MB/s · ETA 9s");
  });

  it("leaves out what is not known yet", () => {
    expect(progressText(copying({}))).toBe("IN_PROGRESS volumes");
    expect(progressText(copying({ volumesTotal: 4n }))).toBe("IN_PROGRESS volumes 0/4");
    expect(progressBar(copying({ volumesDone: 1n, volumesTotal: 4n }), 200)).toBe("[#####---------------]  25% IN_PROGRESS volumes 1/4");
    expect(progressText(copying({ volumesDone: 3n, volumesTotal: 4n, volumeBytesDone: 2048n, volumeEtaSeconds: 200n }))).toBe("IN_PROGRESS volumes 3/4 · 2.0 KiB · ETA 3m20s");
  });

  it("keeps to items in other stages and says nothing of volumes once final", () => {
    const after = backup({ phase: BackupPhase.IN_PROGRESS, progress: { stage: "manifest", itemsDone: 3n, itemsTotal: 3n, volumesDone: 3n, volumesTotal: 3n } });
    expect(progressText(after)).toBe("IN_PROGRESS manifest 3/3 items");
    expect(progressText(backup({ phase: BackupPhase.COMPLETED, progress: { stage: "volumes", volumesDone: 1n, volumesTotal: 3n } }))).toBe("COMPLETED");
  });
});

describe("progress display", () => {
  it("redraws one line in place on a terminal, naming the cluster and how many are done, and clears it at the end", () => {
    const tty = new Recorder(true);
    const display = startProgressDisplay(tty);
    display.show([running(1n, 4n)]);
    display.show([backup({ id: "bk-0", clusterName: "us-1", phase: BackupPhase.COMPLETED }), running(2n, 4n)]);
    display.done();
    expect(tty.text).toBe(
      "\reu-1 [#####---------------]  25% IN_PROGRESS serialize 1/4 items 1.5 KiB\x1b[K" +
        "\r1/2 done  eu-1 [##########----------]  50% IN_PROGRESS serialize 2/4 items 1.5 KiB\x1b[K" +
        "\r\x1b[K",
    );
  });

  it("writes plain lines elsewhere: on a change of phase or stage at once, count changes at most every 10 s", () => {
    let now = 0;
    const log = new Recorder(false);
    const display = startProgressDisplay(log, () => now);
    display.show([backup({ phase: BackupPhase.NEW })]);
    display.show([backup({ phase: BackupPhase.NEW })]);
    display.show([running(1n, 10n)]);
    now = 5_000;
    display.show([running(2n, 10n)]);
    display.show([running(2n, 10n, "post-hooks")]);
    now = 20_000;
    display.show([running(3n, 10n, "post-hooks")]);
    display.show([backup({ phase: BackupPhase.COMPLETED })]);
    display.done();
    expect(log.text.split("\n").filter((line) => line !== "")).toEqual([
      "backup bk-1 (eu-1): NEW",
      "backup bk-1 (eu-1): IN_PROGRESS serialize 1/10 items 1.5 KiB",
      "backup bk-1 (eu-1): IN_PROGRESS post-hooks 2/10 items 1.5 KiB",
      "backup bk-1 (eu-1): IN_PROGRESS post-hooks 3/10 items 1.5 KiB",
      "backup bk-1 (eu-1): COMPLETED",
    ]);
  });
});

describe("waitForBackups", () => {
  it("polls each backup until every one is final, and stops polling those that ended", async () => {
    const states: Record<string, Backup[]> = {
      a: [running(1n, 2n), backup({ id: "a", phase: BackupPhase.COMPLETED })],
      b: [running(1n, 2n), running(2n, 2n), backup({ id: "b", phase: BackupPhase.PARTIALLY_FAILED })],
    };
    const calls: string[] = [];
    const shown: number[] = [];
    let sleeps = 0;
    let done = false;
    const ended = await waitForBackups(
      ["a", "b"],
      async (id) => {
        calls.push(id);
        return states[id]!.length > 1 ? states[id]!.shift()! : states[id]![0]!;
      },
      { show: (backups) => shown.push(backups.length), done: () => (done = true) },
      { sleep: async () => void sleeps++ },
    );
    expect(ended.map((b) => [b.id, b.phase])).toEqual([
      ["a", BackupPhase.COMPLETED],
      ["b", BackupPhase.PARTIALLY_FAILED],
    ]);
    expect(calls).toEqual(["a", "b", "a", "b", "b"]);
    expect(sleeps).toBe(2);
    expect(shown).toEqual([2, 2, 2]);
    expect(done).toBe(true);
  });

  it("keeps polling through a short UNAVAILABLE spell, and gives up after unreachableMs", async () => {
    const unavailable = new LifeboatError("UNAVAILABLE", "hub unreachable");
    let now = 0;
    const answers: (Backup | Error)[] = [running(1n, 2n), unavailable, unavailable, backup({ phase: BackupPhase.COMPLETED })];
    const display = { show: () => undefined, done: () => undefined };
    const options = { now: () => now, sleep: async () => void (now += 1_000), unreachableMs: 5_000 };
    const get = async () => {
      const answer = answers.shift()!;
      if (answer instanceof Error) throw answer;
      return answer;
    };
    expect((await waitForBackups(["bk-1"], get, display, options)).map((b) => b.phase)).toEqual([BackupPhase.COMPLETED]);

    now = 0;
    await expect(waitForBackups(["bk-1"], async () => Promise.reject(unavailable), display, options)).rejects.toBe(unavailable);
    expect(now).toBe(5_000);
    const denied = new LifeboatError("PERMISSION_DENIED", "no");
    await expect(waitForBackups(["bk-1"], async () => Promise.reject(denied), display, options)).rejects.toBe(denied);
  });

  it("says why --wait fails: each backup not COMPLETED, its phase and reason", () => {
    expect(waitOutcome([backup({ phase: BackupPhase.COMPLETED })])).toBeUndefined();
    const partial = backup({ id: "bk-2", phase: BackupPhase.PARTIALLY_FAILED, summary: { errors: [{ message: "x" }, { message: "y" }] } });
    const failed = backup({ id: "bk-3", clusterName: "us-1", phase: BackupPhase.FAILED, failureReason: "repository unreachable" });
    expect(waitOutcome([partial, failed])).toBe(
      "backup bk-2 (eu-1) ended PARTIALLY_FAILED: its manifest is written but 2 errors occurred (lifeboat backup describe bk-2); " +
        "backup bk-3 (us-1) ended FAILED: repository unreachable (lifeboat backup describe bk-3)",
    );
  });
});
