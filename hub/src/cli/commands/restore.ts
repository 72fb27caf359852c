import { create } from "@bufbuild/protobuf";
import { BackupPhase, BackupSchema, BackupSpecSchema, ListRestoresRequestSchema, RestorePhaseSchema, RestoreSchema, type Backup, type Restore } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared/errors";
import type { Command } from "commander";
import { unaryCall, withAdmin, withAdminConnectionOptions, type AdminClient, type AdminConnectionOptions } from "../admin-connection.js";
import { allPages } from "../all-pages.js";
import { missing } from "../arguments.js";
import { getBackup, getRestore } from "../catalog/get-records.js";
import { listClusters } from "../catalog/list-clusters.js";
import { writeLogLines } from "../catalog/log-output.js";
import { parsePhaseFlag, phaseChoices } from "../catalog/phase-flag.js";
import { startProgressDisplay, waitForBackups } from "../backup/backup-progress.js";
import { renderBackupDescription } from "../backup/describe-backup.js";
import { resolveClusterIds } from "../backup/resolve-clusters.js";
import { volumeCounts } from "../backup/describe-volumes.js";
import { buildVolumeOptions, withVolumeOptions, type VolumeFlags } from "../backup/volume-flags.js";
import { messageJson } from "../message-output.js";
import { renderFields, renderTable, withOutputOption, writeOutput, type OutputFormat } from "../output.js";
import { RESTORE_COLUMNS, renderRestoreDescription, restoreFields } from "../restore/describe-restore.js";
import { restoreWaitOutcome, waitForRestore } from "../restore/restore-progress.js";
import { buildRestoreSpec, withRestoreSelectionOptions, withRestoreSpecOptions, type RestoreSpecFlags } from "../restore/restore-flags.js";

type Common = AdminConnectionOptions & { output: OutputFormat };

/** `lifeboat restore create|list|describe|logs|delete`: backups restored into registered clusters. */
export function addRestoreCommands(program: Command): void {
  const restore = program
    .command("restore")
    .description("restore a backup into any registered cluster, and list, describe, read the logs of and delete restores")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat restore create --from-backup 3f2a… --to-cluster eu-2 --namespace-mapping shop:shop-copy --wait\n  $ lifeboat restore list --cluster eu-2\n  $ lifeboat restore describe 9c1e…\n",
    );

  const createCommand = restore
    .command("create")
    .description("restore a backup into a cluster; with --wait, follow it to its end")
    .option("--from-backup <id>", "the backup to restore (lifeboat backup list)")
    .option("--to-cluster <id-or-name>", "the cluster to restore into");
  withOutputOption(withAdminConnectionOptions(withRestoreSpecOptions(withRestoreSelectionOptions(createCommand))))
    .option("--wait", "wait until the restore ends, showing progress on stderr; exit 1 unless it COMPLETED")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat restore create --from-backup 3f2a… --to-cluster eu-2 --wait\n  $ lifeboat restore create --from-backup 3f2a… --to-cluster eu-2 --include-namespaces shop --namespace-mapping shop:shop-restored \\\n      --storage-class-mapping gp2:gp3 --image-registry-mapping quay.io/coreos:registry.example/mirror --existing-resource-policy update\n  $ lifeboat restore create --from-backup 3f2a… --to-cluster eu-2 --dry-run --wait -o yaml   # what it would do\n  $ lifeboat restore create --from-backup 3f2a… --to-cluster eu-2 --skip-volume-data   # claims come up empty\n\nThe hub checks the backup, the cluster and the spec before queuing anything: a refused spec exits 2, an unknown backup or cluster 3.\n",
    )
    .action(async (options: Common & RestoreSpecFlags & { fromBackup?: string; toCluster?: string; wait?: boolean }) => {
      if (options.fromBackup === undefined || options.fromBackup.trim() === "") throw missing("--from-backup", "name the backup to restore (lifeboat backup list)");
      if (options.toCluster === undefined || options.toCluster.trim() === "") throw missing("--to-cluster", "name the cluster to restore into (lifeboat cluster list)");
      const spec = await buildRestoreSpec(options.fromBackup.trim(), options);
      await withAdmin(options, async (client) => {
        const { restore: made } = await client.createRestore({ cluster: options.toCluster!.trim(), spec }, unaryCall());
        if (!made) throw new LifeboatError("INTERNAL", "the hub returned no restore", { field: "restore" });
        await printRestore(made, { output: options.output, wait: options.wait === true, get: getRestore(client) });
      });
    });

  withOutputOption(withAdminConnectionOptions(restore.command("list")))
    .description("list restores, newest first (with their counts only)")
    .option("--cluster <id-or-name>", "only restores into this cluster")
    .option("--backup <id>", "only restores of this backup")
    .option("--phase <phase>", `only restores in this phase: ${phaseChoices(RestorePhaseSchema)}`)
    .addHelpText("after", "\nExamples:\n  $ lifeboat restore list\n  $ lifeboat restore list --cluster eu-2 --phase partially-failed -o json\n")
    .action(async (options: Common & { cluster?: string; backup?: string; phase?: string }) => {
      const phase = parsePhaseFlag(options.phase, RestorePhaseSchema);
      const restores = await withAdmin(options, async (client) => {
        const request = create(ListRestoresRequestSchema, { cluster: options.cluster ?? "", backupId: options.backup ?? "", phase, pageSize: 1000 });
        return allPages(async (pageToken) => {
          const page = await client.listRestores({ ...request, pageToken }, unaryCall());
          return { items: page.restores, nextPageToken: page.nextPageToken };
        });
      });
      writeOutput(
        options.output,
        restores.map((r) => messageJson(RestoreSchema, r)),
        () => renderTable(restores, RESTORE_COLUMNS),
      );
    });

  withOutputOption(withAdminConnectionOptions(restore.command("describe")))
    .description("show one restore: phase, source → target, items created/updated/skipped/failed per resource and namespace, conversions, failures, warnings and hooks")
    .argument("<id>", "the restore's id")
    .option("--details", "every failure, warning, error and dry-run item")
    .addHelpText("after", "\nExamples:\n  $ lifeboat restore describe 9c1e…\n  $ lifeboat restore describe 9c1e… -o yaml   # the whole record\n")
    .action(async (id: string, options: Common & { details?: boolean }) => {
      const r = await withAdmin(options, (client) => getRestore(client)(id));
      writeOutput(options.output, messageJson(RestoreSchema, r), () => renderRestoreDescription(r, { details: options.details === true }));
    });

  withOutputOption(withAdminConnectionOptions(restore.command("logs")))
    .description("print a restore's log from the repository, one JSON object per line")
    .argument("<id>", "the restore's id")
    .addHelpText("after", "\nExamples:\n  $ lifeboat restore logs 9c1e…\n  $ lifeboat restore logs 9c1e… | jq -r .message\n")
    .action(async (id: string, options: Common) => {
      const { lines } = await withAdmin(options, (client) => client.getRestoreLogs({ id }, unaryCall()));
      writeLogLines(options.output, lines);
    });

  withOutputOption(withAdminConnectionOptions(restore.command("delete")))
    .description("delete a restore's record, log and results (what it restored stays in the cluster)")
    .argument("<id>", "the restore's id")
    .addHelpText("after", "\nExamples:\n  $ lifeboat restore delete 9c1e…\n")
    .action(async (id: string, options: Common) => {
      const { restore: deleted } = await withAdmin(options, (client) => client.deleteRestore({ id }, unaryCall()));
      writeOutput(options.output, messageJson(RestoreSchema, deleted!), () => `restore ${id} deleted\n`);
    });
}

/** `lifeboat migrate`: back up one cluster now and restore that backup into another, with one report. */
export function addMigrateCommand(program: Command): void {
  const command = program
    .command("migrate")
    .description("back up a cluster now and restore the backup into another cluster; waits for both and prints one report")
    .option("--from-cluster <id-or-name>", "the cluster to move from")
    .option("--to-cluster <id-or-name>", "the cluster to move to")
    .option("--repository <name>", "the repository the backup goes to (needed when the hub has more than one)");
  withOutputOption(withAdminConnectionOptions(withVolumeOptions(withRestoreSpecOptions(withRestoreSelectionOptions(command)))))
    .option("--wait", "accepted for symmetry with restore create: migrate always waits")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat migrate --from-cluster old-1-16 --to-cluster new-1-30 --include-namespaces shop --namespace-mapping shop:shop --storage-class-mapping standard:fast\n  $ lifeboat migrate --from-cluster old --to-cluster new --include-namespaces shop --volumes fs --storage-class-mapping standard:gp3   # with volume data\n\nExit status 1 when the backup or the restore did not COMPLETE, after the report.\n",
    )
    .action(async (options: Common & RestoreSpecFlags & VolumeFlags & { fromCluster?: string; toCluster?: string; repository?: string; wait?: boolean }) => {
      if (options.fromCluster === undefined || options.fromCluster.trim() === "") throw missing("--from-cluster", "name the cluster to move from (lifeboat cluster list)");
      if (options.toCluster === undefined || options.toCluster.trim() === "") throw missing("--to-cluster", "name the cluster to move to (lifeboat cluster list)");
      // Flags are checked before anything is backed up: a bad mapping must not cost a backup.
      const checked = await buildRestoreSpec("", options);
      const volumes = buildVolumeOptions(options);
      if (volumes !== undefined && checked.skipVolumeData) {
        throw new LifeboatError("INVALID_ARGUMENT", "--skip-volume-data cannot be used with --volumes and the other volume flags: the backup would copy data the restore skips; give one or the other", { field: "--skip-volume-data" });
      }
      await withAdmin(options, async (client) => {
        const [sourceId] = resolveClusterIds("--from-cluster", [options.fromCluster!.trim()], await listClusters(client));
        const repository = await chooseRepository(client, options.repository);
        const backupSpec = create(BackupSpecSchema, {
          repository,
          includedNamespaces: checked.includedNamespaces,
          excludedNamespaces: checked.excludedNamespaces,
          includedResources: checked.includedResources,
          excludedResources: checked.excludedResources,
          labels: { ...checked.labels },
          volumes,
        });
        const { backups } = await client.createBackup({ clusterIds: [sourceId!], clusterSelector: "", spec: backupSpec }, unaryCall());
        const made = backups[0];
        if (!made) throw new LifeboatError("INTERNAL", "the hub made no backup", { field: "backup" });
        if (made.phase === BackupPhase.FAILED_VALIDATION) throw new LifeboatError("INVALID_ARGUMENT", `the backup spec was refused: ${made.validationErrors.join("; ")}`, { field: "spec" });
        process.stderr.write(`backing up ${options.fromCluster} as backup ${made.id} (Ctrl-C stops waiting, not the migration)\n`);
        const [backup] = await waitForBackups([made.id], getBackup(client), startProgressDisplay(process.stderr));
        if (backup!.phase !== BackupPhase.COMPLETED && backup!.phase !== BackupPhase.PARTIALLY_FAILED) {
          writeOutput(options.output, { backup: messageJson(BackupSchema, backup!) }, () => renderBackupDescription(backup!));
          throw new LifeboatError("FAILED_PRECONDITION", `backup ${backup!.id} of ${options.fromCluster} ended ${BackupPhase[backup!.phase]}${backup!.failureReason ? `: ${backup!.failureReason}` : ""}; nothing was restored`, { field: "phase" });
        }
        const spec = Object.assign(checked, { backupId: backup!.id });
        const { restore: started } = await client.createRestore({ cluster: options.toCluster!.trim(), spec }, unaryCall());
        if (!started) throw new LifeboatError("INTERNAL", "the hub returned no restore", { field: "restore" });
        process.stderr.write(`restoring into ${options.toCluster} as restore ${started.id}\n`);
        const restored = await waitForRestore(started.id, getRestore(client), process.stderr);
        writeOutput(options.output, { backup: messageJson(BackupSchema, backup!), restore: messageJson(RestoreSchema, restored) }, () => migrationReport(backup!, restored));
        const outcome = restoreWaitOutcome(restored);
        if (outcome !== undefined) throw new LifeboatError("FAILED_PRECONDITION", outcome, { field: "phase" });
      });
    });
}

/** The backup's counts, then the restore's description. */
function migrationReport(backup: Backup, restore: Restore): string {
  const s = backup.summary;
  const backupLine: [string, string][] = [
    ["backup", `${backup.id} of ${backup.clusterName || backup.clusterId}: ${BackupPhase[backup.phase]}`],
    ["backed up", s ? `${s.items} items in ${Object.keys(s.itemsPerNamespace).length} namespaces` : "(no summary)"],
  ];
  if (s && s.volumes.length > 0) backupLine.push(["volumes", volumeCounts(s.volumes)]);
  return `${renderFields(backupLine)}\nRestore:\n${renderRestoreDescription(restore)}`;
}

async function printRestore(made: Restore, options: { output: OutputFormat; wait: boolean; get: (id: string) => Promise<Restore> }): Promise<void> {
  let restore = made;
  if (options.wait) {
    process.stderr.write(`waiting for restore ${made.id} to end (Ctrl-C stops waiting, not the restore)\n`);
    restore = await waitForRestore(made.id, options.get, process.stderr);
  }
  writeOutput(options.output, messageJson(RestoreSchema, restore), () => (options.wait ? renderRestoreDescription(restore) : renderFields(restoreFields(restore))));
  const outcome = options.wait ? restoreWaitOutcome(restore) : undefined;
  if (outcome !== undefined) throw new LifeboatError("FAILED_PRECONDITION", outcome, { field: "phase" });
}

/** The repository named, or the hub's only one. */
async function chooseRepository(client: AdminClient, named: string | undefined): Promise<string> {
  if (named !== undefined && named.trim() !== "") return named.trim();
  const { repositories } = await client.listRepositories({}, unaryCall());
  if (repositories.length === 1) return repositories[0]!.name;
  throw missing("--repository", repositories.length === 0 ? "the hub has no repository yet (lifeboat repository add)" : `the hub has ${repositories.length}: ${repositories.map((r) => r.name).join(", ")}`);
}
