import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import {
  CreateTokenResponseSchema,
  RegistrationTokenSchema,
  RegistrationTokenStateSchema,
  ListTokensRequestSchema,
  type RegistrationToken,
} from "@lifeboat/proto";
import type { Command } from "commander";
import { unaryCall, withAdmin, withAdminConnectionOptions, type AdminConnectionOptions } from "../admin-connection.js";
import { allPages } from "../all-pages.js";
import { enumName, parseDuration, parseEnum, parseLabels } from "../arguments.js";
import { formatLabels, renderFields, renderTable, withOutputOption, writeOutput, type Column, type OutputFormat } from "../output.js";
import { messageJson, formatTime } from "../message-output.js";

type Common = AdminConnectionOptions & { output: OutputFormat };

const TOKEN_COLUMNS: Column<RegistrationToken>[] = [
  { header: "id", value: (t) => t.id },
  { header: "state", value: (t) => enumName(RegistrationTokenStateSchema, t.state) },
  { header: "labels", value: (t) => formatLabels(t.labels) },
  { header: "expires", value: (t) => formatTime(t.expireTime) },
  { header: "cluster", value: (t) => t.clusterId },
  { header: "description", value: (t) => t.description },
];

/** `lifeboat token create|list|revoke`: registration tokens for agents. */
export function addTokenCommands(program: Command): void {
  const token = program
    .command("token")
    .description("make, list and revoke registration tokens (what an agent registers with, once)")
    .addHelpText("after", "\nExamples:\n  $ lifeboat token create --ttl 1h --labels env=prod,region=eu\n  $ lifeboat token list --state active\n  $ lifeboat token revoke tok-3f2a…\n");

  withOutputOption(withAdminConnectionOptions(token.command("create")))
    .description("make a single-use registration token; its secret is printed this once")
    .option("--ttl <duration>", "how long it stays usable, e.g. 15m, 1h, 7d (the hub's default, 1h, when absent)")
    .option("--labels <k=v,...>", "labels given to the cluster that registers with it")
    .option("--description <text>", "a note for whoever lists tokens later")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat token create --ttl 1h --labels env=dev\n  $ lifeboat token create --ttl 30m --description 'eu-west staging' -o json | jq -r .secret\n\nThe secret is shown only here: the hub keeps a hash of it.\n",
    )
    .action(async (options: Common & { ttl?: string; labels?: string; description?: string }) => {
      const ttl = options.ttl === undefined ? undefined : durationFromMs(parseDuration("--ttl", options.ttl));
      const labels = options.labels === undefined ? {} : parseLabels("--labels", options.labels);
      const made = await withAdmin(options, (client) => client.createToken({ ttl, labels, description: options.description ?? "" }, unaryCall()));
      writeOutput(options.output, messageJson(CreateTokenResponseSchema, made), () => {
        const t = made.token!;
        return (
          renderFields([
            ["id", t.id],
            ["expires", formatTime(t.expireTime)],
            ["labels", formatLabels(t.labels)],
            ["secret", made.secret],
          ]) + "\nPass the secret to one agent (lifeboat agent start --token …); it cannot be shown again.\n"
        );
      });
    });

  withOutputOption(withAdminConnectionOptions(token.command("list")))
    .description("list registration tokens, newest first (never their secrets)")
    .option("--state <state>", "only tokens in this state: active, used, revoked or expired")
    .addHelpText("after", "\nExamples:\n  $ lifeboat token list\n  $ lifeboat token list --state active -o yaml\n")
    .action(async (options: Common & { state?: string }) => {
      const state = options.state === undefined ? 0 : parseEnum("--state", options.state, RegistrationTokenStateSchema);
      const tokens = await withAdmin(options, async (client) => {
        const request = create(ListTokensRequestSchema, { state, pageSize: 1000 });
        return allPages(async (pageToken) => {
          const page = await client.listTokens({ ...request, pageToken }, unaryCall());
          return { items: page.tokens, nextPageToken: page.nextPageToken };
        });
      });
      writeOutput(
        options.output,
        tokens.map((t) => messageJson(RegistrationTokenSchema, t)),
        () => renderTable(tokens, TOKEN_COLUMNS),
      );
    });

  withOutputOption(withAdminConnectionOptions(token.command("revoke")))
    .description("make an unused token unusable (revoking a revoked one succeeds)")
    .argument("<id>", "the token's id (tok-…)")
    .addHelpText("after", "\nExamples:\n  $ lifeboat token revoke tok-3f2a9c1e\n")
    .action(async (id: string, options: Common) => {
      const revoked = await withAdmin(options, (client) => client.revokeToken({ id }, unaryCall()));
      const t = revoked.token!;
      writeOutput(options.output, messageJson(RegistrationTokenSchema, t), () => renderTable([t], TOKEN_COLUMNS));
    });
}
