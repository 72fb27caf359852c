import { create } from "@bufbuild/protobuf";
import { CheckRepositoryResponseSchema, RepositorySchema, SyncRepositoryResponseSchema } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared/errors";
import type { Command } from "commander";
import { unaryCall, withAdmin, withAdminConnectionOptions, type AdminConnectionOptions } from "../admin-connection.js";
import { missing } from "../arguments.js";
import { REPOSITORY_COLUMNS, repositoryFields } from "../backup/record-output.js";
import { repositoryCredentials } from "../backup/repository-credentials.js";
import { renderFields, renderTable, withOutputOption, writeOutput, type OutputFormat } from "../output.js";
import { messageJson } from "../message-output.js";
import { readPassword } from "../repo/password.js";

type Common = AdminConnectionOptions & { output: OutputFormat };

// Checking or syncing reads the whole repository's index or manifests: more than a unary call's 30 s.
const LONG_CALL_MS = 30 * 60_000;
const longCall = () => ({ deadline: Date.now() + LONG_CALL_MS });

interface AddOptions extends Common {
  url?: string;
  passwordFile?: string;
  accessKeyIdEnv?: string;
  secretAccessKeyEnv?: string;
  sessionTokenEnv?: string;
  description?: string;
}

/** `lifeboat repository add|list|get|check|delete|sync`: the repositories the hub backs up into. */
export function addRepositoryCommands(program: Command): void {
  const repository = program
    .command("repository")
    .description("add, list, check and remove the repositories the hub's backups go to (lifeboat repo works on one directly)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat repository add main --url s3://backups/fleet?region=eu-west-1 --password-file ~/.lifeboat-password\n  $ lifeboat repository list\n  $ lifeboat repository check main\n",
    );

  withOutputOption(withAdminConnectionOptions(repository.command("add")))
    .description("record a repository and its credentials with the hub (which opens it first: a wrong URL or password records nothing)")
    .argument("<name>", "what policies and backups call it: lower-case letters, digits and '-'")
    .option("--url <url>", "file:///path or s3://bucket/prefix?endpoint=…&region=…&pathStyle=true (an existing repository: lifeboat repo init)")
    .option("--password-file <file>", "file holding the repository password; one trailing newline is ignored (default: $LIFEBOAT_REPO_PASSWORD)")
    .option("--access-key-id-env <var>", "environment variable holding the S3 access key id (default AWS_ACCESS_KEY_ID, when set)")
    .option("--secret-access-key-env <var>", "environment variable holding the S3 secret access key (default AWS_SECRET_ACCESS_KEY, when set)")
    .option("--session-token-env <var>", "environment variable holding an S3 session token (default AWS_SESSION_TOKEN, when set)")
    .option("--description <text>", "a note for whoever lists repositories later")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat repository add local --url file:///srv/lifeboat --password-file ~/.lifeboat-password\n  $ AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… lifeboat repository add main --url 's3://backups/fleet?region=eu-west-1' --password-file pw\n  $ lifeboat repository add eu --url s3://eu-backups/fleet --password-file pw --access-key-id-env EU_KEY_ID --secret-access-key-env EU_SECRET\n\nSecrets are read from a file or the environment, never from the command line, and never printed:\nthe hub keeps them encrypted and hands them to an agent only inside a task.\n",
    )
    .action(async (name: string, options: AddOptions) => {
      if (options.url === undefined) throw missing("--url", "give the repository's URL: file:///path or s3://bucket/prefix");
      const password = await readPassword(options.passwordFile);
      const credentials = repositoryCredentials(options.url, { ...options, password }, process.env);
      const request = { repository: create(RepositorySchema, { name, url: options.url, description: options.description ?? "", credentials }) };
      const { repository: added } = await withAdmin(options, (client) => client.addRepository(request, unaryCall()));
      writeOutput(options.output, messageJson(RepositorySchema, added!), () => renderFields(repositoryFields(added!)));
    });

  withOutputOption(withAdminConnectionOptions(repository.command("list")))
    .description("list repositories by name (never their credentials)")
    .addHelpText("after", "\nExamples:\n  $ lifeboat repository list\n  $ lifeboat repository list -o yaml\n")
    .action(async (options: Common) => {
      const { repositories } = await withAdmin(options, (client) => client.listRepositories({}, unaryCall()));
      writeOutput(
        options.output,
        repositories.map((r) => messageJson(RepositorySchema, r)),
        () => renderTable(repositories, REPOSITORY_COLUMNS),
      );
    });

  withOutputOption(withAdminConnectionOptions(repository.command("get")))
    .description("show one repository: its URL, id and which credentials the hub holds (names only)")
    .argument("<name>", "the repository's name")
    .addHelpText("after", "\nExamples:\n  $ lifeboat repository get main\n")
    .action(async (name: string, options: Common) => {
      const { repository: r } = await withAdmin(options, (client) => client.getRepository({ name }, unaryCall()));
      writeOutput(options.output, messageJson(RepositorySchema, r!), () => renderFields(repositoryFields(r!)));
    });

  withOutputOption(withAdminConnectionOptions(repository.command("check")))
    .description("have the hub open the repository with its stored credentials and verify its structure; exits 1 when a problem is found")
    .argument("<name>", "the repository's name")
    .addHelpText("after", "\nExamples:\n  $ lifeboat repository check main\n  $ lifeboat repository check main -o json | jq .problems\n")
    .action(async (name: string, options: Common) => {
      const report = await withAdmin(options, (client) => client.checkRepository({ name }, longCall()));
      writeOutput(options.output, messageJson(CheckRepositoryResponseSchema, report), () =>
        [
          renderFields([
            ["repository", name],
            ["ok", report.ok ? "yes" : "no"],
            ["packs", String(report.packs)],
            ["blobs", String(report.blobs)],
            ["backups", String(report.backups)],
            ["problems", String(report.problems.length)],
          ]),
          ...report.problems.map((problem) => `problem: ${problem}\n`),
        ].join(""),
      );
      if (!report.ok || report.problems.length > 0) {
        throw new LifeboatError("CORRUPT", `repository ${name}: check found ${report.problems.length} problems`, { field: "repository", value: name });
      }
    });

  withOutputOption(withAdminConnectionOptions(repository.command("delete")))
    .description("forget a repository: its data stays where it is; one a policy names is refused")
    .argument("<name>", "the repository's name")
    .addHelpText("after", "\nExamples:\n  $ lifeboat repository delete old-local\n")
    .action(async (name: string, options: Common) => {
      await withAdmin(options, (client) => client.deleteRepository({ name }, unaryCall()));
      writeOutput(options.output, { name, deleted: true }, () => `repository ${name} deleted (its data is left in place)\n`);
    });

  withOutputOption(withAdminConnectionOptions(repository.command("sync")))
    .description("add to the catalog every backup the repository holds that the hub does not know (e.g. for a new hub)")
    .argument("<name>", "the repository's name")
    .addHelpText("after", "\nExamples:\n  $ lifeboat repository sync main\n")
    .action(async (name: string, options: Common) => {
      const synced = await withAdmin(options, (client) => client.syncRepository({ name }, longCall()));
      writeOutput(options.output, messageJson(SyncRepositoryResponseSchema, synced), () =>
        [
          renderFields([
            ["repository", name],
            ["backups added", String(synced.added)],
            ["backups known", String(synced.known)],
            ["problems", String(synced.problems.length)],
          ]),
          ...synced.problems.map((problem) => `problem: ${problem}\n`),
        ].join(""),
      );
    });
}
