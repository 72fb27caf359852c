import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { BackupPhaseSchema, BackupSchema, ListBackupsRequestSchema } from "@lifeboat/proto";
import type { Command } from "commander";
import { unaryCall, withAdmin, withAdminConnectionOptions, type AdminConnectionOptions } from "../admin-connection.js";
import { allPages } from "../all-pages.js";
import { missing, parseDuration } from "../arguments.js";
import { getBackup } from "../catalog/get-records.js";
import { listClusters } from "../catalog/list-clusters.js";
import { writeLogLines } from "../catalog/log-output.js";
import { parsePhaseFlag, phaseChoices } from "../catalog/phase-flag.js";
import { badOption } from "../errors.js";
import { renderTable, withOutputOption, writeOutput, type OutputFormat } from "../output.js";
import { messageJson } from "../message-output.js";
import { renderBackupDescription } from "../backup/describe-backup.js";
import { readHooksFile } from "../backup/policy-file.js";
import { printBackups } from "../backup/print-backups.js";
import { BACKUP_COLUMNS } from "../backup/record-output.js";
import { resolveClusterIds } from "../backup/resolve-clusters.js";
import { buildBackupSpec, collect, withBackupSpecOptions, type BackupSpecFlags } from "../backup/spec-flags.js";

type Common = AdminConnectionOptions & { output: OutputFormat };

/** `lifeboat backup create|list|describe|logs|delete`: backups of clusters, in the hub's catalog. */
export function addBackupCommands(program: Command): void {
  const backup = program
    .command("backup")
    .description("back up clusters now, and list, describe, read the logs of and delete backups")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat backup create --cluster eu-1 --repository main --include-namespaces shop --wait\n  $ lifeboat backup list --cluster eu-1 --since 24h\n  $ lifeboat backup describe bk-…\n",
    );

  const createCommand = backup
    .command("create")
    .description("back up one or more clusters now; with --wait, follow the backups to their end")
    .option("--cluster <id-or-name>", "a cluster to back up, by id or name (repeatable)", collect)
    .option("--selector <selector>", "every cluster whose labels match instead, e.g. env=prod,region!=eu");
  withOutputOption(withAdminConnectionOptions(withBackupSpecOptions(createCommand)))
    .option("--wait", "wait until the backups end, showing progress on stderr; exit 1 unless every one COMPLETED")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat backup create --cluster eu-1 --repository main --wait\n  $ lifeboat backup create --cluster eu-1 --repository main --include-namespaces shop,payments --exclude-resources secrets --ttl 720h\n  $ lifeboat backup create --selector env=prod --repository main --label-selector app=web --labels reason=release-42\n  $ lifeboat backup create --cluster eu-1 --repository main --mode dry-run --wait -o yaml   # what it would take\n  $ lifeboat backup create --cluster eu-1 --repository main --hooks-file hooks.yaml\n  $ lifeboat backup create --cluster eu-1 --repository main --volumes fs --volume-policy fast-ssd=snapshot,scratch=none --snapshot-class csi-snap --wait\n\nThe hub checks the spec before queuing anything: a spec it refuses exits 2 with each problem named.\n",
    )
    .action(async (options: Common & BackupSpecFlags & { cluster?: string[]; selector?: string; wait?: boolean }) => {
      const clusters = options.cluster ?? [];
      if (clusters.length === 0 && options.selector === undefined) throw missing("--cluster or --selector", "name the clusters to back up");
      if (clusters.length > 0 && options.selector !== undefined) throw badOption("--selector", options.selector, "give --cluster or --selector, not both");
      const hooks = options.hooksFile === undefined ? [] : await readHooksFile("--hooks-file", options.hooksFile);
      const spec = buildBackupSpec(options, hooks);
      await withAdmin(options, async (client) => {
        const clusterIds = clusters.length === 0 ? [] : resolveClusterIds("--cluster", clusters, await listClusters(client));
        const { backups } = await client.createBackup({ clusterIds, clusterSelector: options.selector ?? "", spec }, unaryCall());
        await printBackups(backups, { output: options.output, single: clusters.length === 1, wait: options.wait === true, get: getBackup(client) });
      });
    });

  withOutputOption(withAdminConnectionOptions(backup.command("list")))
    .description("list backups, newest first (without their summaries)")
    .option("--cluster <id-or-name>", "only this cluster's backups")
    .option("--policy <id-or-name>", "only this policy's backups")
    .option("--phase <phase>", `only backups in this phase: ${phaseChoices(BackupPhaseSchema)}`)
    .option("--since <duration>", "only backups made in the last duration, e.g. 24h or 7d")
    .option("--selector <selector>", "only backups whose labels match, e.g. app=shop")
    .addHelpText("after", "\nExamples:\n  $ lifeboat backup list\n  $ lifeboat backup list --cluster eu-1 --since 24h\n  $ lifeboat backup list --policy nightly --phase partially-failed -o json\n")
    .action(async (options: Common & { cluster?: string; policy?: string; phase?: string; since?: string; selector?: string }) => {
      const phase = parsePhaseFlag(options.phase, BackupPhaseSchema);
      const createdAfter = options.since === undefined ? undefined : timestampFromMs(Date.now() - parseDuration("--since", options.since));
      const backups = await withAdmin(options, async (client) => {
        const request = create(ListBackupsRequestSchema, {
          cluster: options.cluster ?? "",
          policy: options.policy ?? "",
          phase,
          createdAfter,
          labelSelector: options.selector ?? "",
          pageSize: 1000,
        });
        return allPages(async (pageToken) => {
          const page = await client.listBackups({ ...request, pageToken }, unaryCall());
          return { items: page.backups, nextPageToken: page.nextPageToken };
        });
      });
      writeOutput(
        options.output,
        backups.map((b) => messageJson(BackupSchema, b)),
        () => renderTable(backups, BACKUP_COLUMNS),
      );
    });

  withOutputOption(withAdminConnectionOptions(backup.command("describe")))
    .description("show one backup: phase, times, spec, items per resource and namespace, warnings, errors and hook results")
    .argument("<id>", "the backup's id")
    .option("--details", "every warning and error, every dry-run item, whole hook output and a table of every volume")
    .addHelpText("after", "\nExamples:\n  $ lifeboat backup describe bk-…\n  $ lifeboat backup describe bk-… --details\n  $ lifeboat backup describe bk-… -o yaml   # the whole record\n")
    .action(async (id: string, options: Common & { details?: boolean }) => {
      const b = await withAdmin(options, (client) => getBackup(client)(id));
      writeOutput(options.output, messageJson(BackupSchema, b), () => renderBackupDescription(b, { details: options.details === true }));
    });

  withOutputOption(withAdminConnectionOptions(backup.command("logs")))
    .description("print a backup's log from the repository, one JSON object per line")
    .argument("<id>", "the backup's id")
    .addHelpText("after", "\nExamples:\n  $ lifeboat backup logs bk-…\n  $ lifeboat backup logs bk-… | jq -r .msg\n")
    .action(async (id: string, options: Common) => {
      const { lines } = await withAdmin(options, (client) => client.getBackupLogs({ id }, unaryCall()));
      writeLogLines(options.output, lines);
    });

  withOutputOption(withAdminConnectionOptions(backup.command("delete")))
    .description("delete a backup from the repository and the catalog (repository gc reclaims its content later)")
    .argument("<id>", "the backup's id")
    .option("-y, --confirm", "yes, delete it: required, as a deleted backup cannot be brought back")
    .addHelpText("after", "\nExamples:\n  $ lifeboat backup delete bk-… --confirm\n")
    .action(async (id: string, options: Common & { confirm?: boolean }) => {
      if (!options.confirm) throw missing("--confirm", `deleting backup ${id} cannot be undone; add --confirm (or -y) to go ahead`);
      const { backup: deleted } = await withAdmin(options, (client) => client.deleteBackup({ id }, unaryCall()));
      writeOutput(options.output, messageJson(BackupSchema, deleted!), () => `backup ${id} deleted\n`);
    });
}

// `policy run --wait` reads its backups through here.
export { getBackup };
