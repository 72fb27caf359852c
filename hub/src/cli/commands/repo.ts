import { LifeboatError, Repository, addKey, changePassword, checkRepository, collectGarbage, listKeys, rebuildIndex, removeKey, type KeySlotInfo } from "@lifeboat/shared/repo";
import type { Command } from "commander";
import { parseDuration } from "../arguments.js";
import { badOption } from "../errors.js";
import { renderFields, renderTable, withOutputOption, writeOutput, type Column, type OutputFormat } from "../output.js";
import { parseShare, renderCheck, renderGc } from "../repo/maintenance-output.js";
import { HOST, withRepoOptions, withRepository, withStorage, type RepoOptions } from "../repo/open-repository.js";
import { readNewPassword, readPassword } from "../repo/password.js";
import { startProgress } from "../repo/progress.js";
import { renderStats, repositoryStats } from "../repo/repository-stats.js";
import { addSnapshotCommands } from "../repo/snapshot-commands.js";

type Common = RepoOptions & { output: OutputFormat };
type NewPassword = { newPasswordFile?: string };

const KEY_COLUMNS: Column<KeySlotInfo>[] = [
  { header: "id", value: (k) => k.id },
  { header: "created", value: (k) => k.created.replace(/\.\d{3}Z$/, "Z") },
  { header: "host", value: (k) => k.host ?? "" },
];

const NEW_PASSWORD_HELP = "file holding the new password; one trailing newline is ignored (default: $LIFEBOAT_REPO_NEW_PASSWORD)";

/** `lifeboat repo …`: a Lifeboat repository, directly, without a hub. */
export function addRepoCommands(program: Command): void {
  const repo = program
    .command("repo")
    .description("create, inspect and maintain a repository, and snapshot and restore directories with it")
    .addHelpText(
      "after",
      "\nThe repository comes from --repo or LIFEBOAT_REPO, its password from --password-file or LIFEBOAT_REPO_PASSWORD;\nS3 credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.\n\nExamples:\n  $ export LIFEBOAT_REPO=file:///srv/lifeboat LIFEBOAT_REPO_PASSWORD=…\n  $ lifeboat repo init\n  $ lifeboat repo snapshot /var/lib/data\n  $ lifeboat repo restore-snapshot latest /tmp/data\n",
    );

  withOutputOption(withRepoOptions(repo.command("init")))
    .description("create an empty repository protected by the password; prints its id")
    .addHelpText("after", "\nExamples:\n  $ lifeboat repo init --repo file:///srv/lifeboat --password-file ~/.lifeboat-password\n  $ lifeboat repo init --repo 's3://backups/lifeboat?region=eu-west-1'\n")
    .action(async (options: Common) => {
      const id = await withStorage(options, async (storage) => Repository.init(storage, await readPassword(options.passwordFile), { host: HOST }));
      writeOutput(options.output, { id }, () => `${id}\n`);
    });

  withOutputOption(withRepoOptions(repo.command("passwd")))
    .description("change the password: the key slot the current password opens is replaced; no data is rewritten")
    .option("--new-password-file <file>", NEW_PASSWORD_HELP)
    .addHelpText("after", "\nExamples:\n  $ lifeboat repo passwd --password-file old.txt --new-password-file new.txt\n")
    .action(async (options: Common & NewPassword) => {
      const newPassword = await readNewPassword(options.newPasswordFile);
      const key = await withRepository(options, { write: false, workers: 0 }, async (r) => (await changePassword(r.storage, r.unlocked, newPassword, { host: HOST })).keyId);
      writeOutput(options.output, { key }, () => `password changed: key slot ${key}\n`);
    });

  const key = repo.command("key").description("list, add and remove passwords (key slots); each opens the same repository");
  withOutputOption(withRepoOptions(key.command("list"), false))
    .description("list key slots (needs no password: slots hold no secret in clear)")
    .action(async (options: Common) => {
      const keys = await withStorage(options, listKeys);
      writeOutput(options.output, keys.map((k) => ({ ...k })), () => renderTable(keys, KEY_COLUMNS));
    });
  withOutputOption(withRepoOptions(key.command("add")))
    .description("add a password; the existing ones keep working")
    .option("--new-password-file <file>", NEW_PASSWORD_HELP)
    .action(async (options: Common & NewPassword) => {
      const newPassword = await readNewPassword(options.newPasswordFile);
      const added = await withRepository(options, { write: false, workers: 0 }, async (r) => (await addKey(r.storage, r.unlocked, newPassword, { host: HOST })).keyId);
      writeOutput(options.output, { key: added }, () => `${added}\n`);
    });
  withOutputOption(withRepoOptions(key.command("remove")))
    .description("remove a key slot (not the last one)")
    .argument("<key-id>", "the slot's id, from repo key list")
    .action(async (keyId: string, options: Common) => {
      await withRepository(options, { write: false, workers: 0 }, (r) => removeKey(r.storage, r.unlocked, keyId));
      writeOutput(options.output, { key: keyId, removed: true }, () => `key slot ${keyId} removed\n`);
    });

  withOutputOption(withRepoOptions(repo.command("stats")))
    .description("what the repository holds: packs, contents, index blobs, snapshots (from the index; reads no pack)")
    .action(async (options: Common) => {
      const stats = await withRepository(options, { write: false, workers: 0 }, repositoryStats);
      writeOutput(options.output, { ...stats, contentsByKind: { ...stats.contentsByKind } }, () => renderStats(stats));
    });

  addSnapshotCommands(repo);

  withOutputOption(withRepoOptions(repo.command("check")))
    .description("check the repository's structure; with --read-data also decrypt and verify stored data. Exits 1 when a problem is found")
    .option("--read-data", "read, decrypt and re-hash every blob of the packs checked")
    .option("--subset <share>", "with --read-data: check this share of packs, chosen at random (e.g. 10%)")
    .addHelpText("after", "\nExamples:\n  $ lifeboat repo check\n  $ lifeboat repo check --read-data --subset 10%\n")
    .action(async (options: Common & { readData?: boolean; subset?: string }) => {
      const subset = options.subset === undefined ? undefined : parseShare(options.subset);
      if (options.subset !== undefined && subset === undefined) throw badOption("--subset", options.subset, "expected a share such as 10% or 0.1, above 0 and at most 100%");
      const progress = startProgress();
      // A corrupt index blob is a finding to report, not a reason to stop before checking.
      const report = await withRepository(options, { write: false, onCorruptIndex: () => undefined }, (r) =>
        checkRepository(r, {
          readData: options.readData === true,
          subset,
          progress: (done, total, bytes) => progress.update({ label: "check", bytes, extra: `${done}/${total} packs` }),
        }),
      ).finally(() => progress.done());
      writeOutput(options.output, JSON.parse(JSON.stringify(report)), () => renderCheck(report));
      if (report.problems.length > 0) {
        throw new LifeboatError("CORRUPT", `repository check found ${report.problems.length} problems`, { field: "repository" });
      }
    });

  withOutputOption(withRepoOptions(repo.command("repair-index")))
    .description("index packs that no index names, from the headers every pack carries (after a lost or corrupt index blob)")
    .addHelpText("after", "\nExamples:\n  $ lifeboat repo check            # names content missing from the index\n  $ lifeboat repo repair-index\n")
    .action(async (options: Common) => {
      const progress = startProgress();
      const report = await withRepository(options, { onCorruptIndex: () => undefined }, (r) =>
        rebuildIndex(r, (done, total) => progress.update({ label: "repair-index", bytes: 0, extra: `${done}/${total} packs` })),
      ).finally(() => progress.done());
      writeOutput(options.output, JSON.parse(JSON.stringify(report)), () =>
        [
          renderFields([
            ["packs", String(report.packs)],
            ["packs read", String(report.packsRead)],
            ["contents indexed", String(report.contentsIndexed)],
            ["index blob written", report.indexBlob ?? "none"],
          ]),
          ...report.unreadable.map((line) => `unreadable: ${line}`),
        ].join("\n") + "\n",
      );
      if (report.unreadable.length > 0) {
        throw new LifeboatError("CORRUPT", `${report.unreadable.length} packs could not be read; run lifeboat repo check`, { field: "repository" });
      }
    });

  withOutputOption(withRepoOptions(repo.command("gc")))
    .description("delete packs no snapshot or backup references (older than --grace) and repack mostly-unused ones; safe beside running writers")
    .option("--grace <duration>", "keep unreferenced packs younger than this: a writer may not have committed them yet", "1h")
    .option("--dry-run", "report what would be deleted; change nothing")
    .option("--wait <duration>", "wait this long for writers that started before the collection, instead of deferring")
    .addHelpText("after", "\nExamples:\n  $ lifeboat repo gc --dry-run\n  $ lifeboat repo gc --grace 6h --wait 5m\n")
    .action(async (options: Common & { grace: string; dryRun?: boolean; wait?: string }) => {
      const graceMs = parseDuration("--grace", options.grace);
      const waitForWritersMs = options.wait === undefined ? undefined : parseDuration("--wait", options.wait);
      const progress = startProgress();
      const report = await withRepository(options, { write: false }, (r) =>
        collectGarbage(r, {
          graceMs,
          waitForWritersMs,
          dryRun: options.dryRun === true,
          progress: (phase, done, total) => progress.update({ label: `gc ${phase}`, extra: `${done}/${total}` }),
        }),
      ).finally(() => progress.done());
      writeOutput(options.output, JSON.parse(JSON.stringify(report)), () => renderGc(report));
    });
}
