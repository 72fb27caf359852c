// `repo snapshot`, `repo snapshots` and `repo restore-snapshot`.
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { parseCount } from "../arguments.js";
import { renderTable, withOutputOption, writeOutput, type OutputFormat } from "../output.js";
import { interruptible } from "./interrupt.js";
import { HOST, withRepoOptions, withRepository, type RepoOptions } from "./open-repository.js";
import { startProgress } from "./progress.js";
import { runRestore } from "./run-restore.js";
import { runSnapshot } from "./run-snapshot.js";
import { SNAPSHOT_COLUMNS, restoreResultJson, restoreSummary, snapshotRecordJson, snapshotResultJson, snapshotSummary } from "./snapshot-output.js";
import { loadSnapshots } from "./snapshot-records.js";

type Common = RepoOptions & { output: OutputFormat };
type Workers = { workers?: string };

function workersOf(options: Workers): number {
  return options.workers === undefined ? availableParallelism() : parseCount("--workers", options.workers, 0);
}

function workersOption(command: Command): Command {
  return command.option("--workers <n>", "threads that compress and encrypt (or decrypt); default: one per core");
}

export function addSnapshotCommands(repo: Command): void {
  withOutputOption(workersOption(withRepoOptions(repo.command("snapshot"))))
    .description("store a directory tree; files unchanged since the last snapshot of the same path are not read again")
    .argument("<dir>", "the directory to snapshot")
    .option("--parent <id>", 'build on this snapshot (an id, a unique prefix, or "latest") instead of the newest of the same path and host')
    .option("--no-parent", "build on no snapshot: read every file")
    .option("--tag <tag>", "a tag to record with the snapshot; repeatable", (tag: string, tags: string[]) => [...tags, tag], [] as string[])
    .addHelpText("after", "\nPrints the new snapshot's id (with -o json|yaml, its id and statistics).\n\nExamples:\n  $ lifeboat repo snapshot /var/lib/data --tag nightly\n  $ lifeboat repo snapshot ./site --parent latest -o json\n")
    .action(async (dir: string, options: Common & Workers & { parent?: string | false; tag: string[] }) => {
      const workers = workersOf(options);
      const progress = startProgress();
      const result = await interruptible("snapshot", (signal) =>
        withRepository(options, { write: true, workers }, (repo) => runSnapshot(repo, { dir, host: HOST, parent: options.parent, tags: options.tag, progress, signal })),
      ).finally(() => progress.done());
      writeOutput(options.output, snapshotResultJson(result), () => `${result.record.id}\n`);
      if (process.stdout.isTTY && options.output === "table") process.stderr.write(snapshotSummary(result));
    });

  withOutputOption(withRepoOptions(repo.command("snapshots")))
    .description("list snapshots, oldest first (reads only the snapshot records, never the packs)")
    .option("--path <path>", "only snapshots of this path")
    .option("--host <host>", "only snapshots taken on this host")
    .addHelpText("after", "\nExamples:\n  $ lifeboat repo snapshots\n  $ lifeboat repo snapshots --host web-1 -o yaml\n")
    .action(async (options: Common & { path?: string; host?: string }) => {
      const records = await withRepository(options, { write: false, workers: 0 }, loadSnapshots);
      const shown = records.filter((r) => (options.path === undefined || r.paths.includes(options.path)) && (options.host === undefined || r.host === options.host));
      writeOutput(options.output, shown.map(snapshotRecordJson), () => renderTable(shown, SNAPSHOT_COLUMNS));
    });

  withOutputOption(workersOption(withRepoOptions(repo.command("restore-snapshot"))))
    .description("recreate a snapshot's tree in a directory: files, directories, symlinks, modes and times (owners as root)")
    .argument("<id>", 'the snapshot: its id, a unique prefix of it, or "latest"')
    .argument("<dir>", "the target directory; created if missing, and must be empty unless --overwrite")
    .option("--overwrite", "restore into a non-empty directory, replacing files of the same names and leaving others")
    .addHelpText("after", "\nExamples:\n  $ lifeboat repo restore-snapshot latest /tmp/restored\n  $ lifeboat repo restore-snapshot 3f9c2a1b /var/lib/data --overwrite\n")
    .action(async (ref: string, dir: string, options: Common & Workers & { overwrite?: boolean }) => {
      const workers = workersOf(options);
      const progress = startProgress();
      const result = await interruptible("restore", (signal) =>
        withRepository(options, { write: false, workers }, (repository) => runRestore(repository, { ref, dir, overwrite: options.overwrite === true, progress, signal })),
      ).finally(() => progress.done());
      writeOutput(options.output, restoreResultJson(result), () => restoreSummary(result));
    });
}
