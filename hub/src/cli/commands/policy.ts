import { PolicySchema, type Policy } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared/errors";
import type { Command } from "commander";
import { unaryCall, withAdmin, withAdminConnectionOptions, type AdminConnectionOptions } from "../admin-connection.js";
import { renderFields, renderTable, withOutputOption, writeOutput, type OutputFormat } from "../output.js";
import { messageJson } from "../message-output.js";
import { readHooksFile, readPolicyFile } from "../backup/policy-file.js";
import { buildPolicy, flagBesideFile, withPolicyOptions, type PolicyFlags } from "../backup/policy-flags.js";
import { printBackups } from "../backup/print-backups.js";
import { POLICY_COLUMNS, policyFields } from "../backup/record-output.js";
import { getBackup } from "./backup.js";

type Common = AdminConnectionOptions & { output: OutputFormat };

/** `lifeboat policy create|list|get|pause|resume|run|delete`: scheduled backups of the fleet. */
export function addPolicyCommands(program: Command): void {
  const policy = program
    .command("policy")
    .description("create, list, pause, resume, run and delete backup policies (which clusters, what, when, how long)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat policy create -f policy.yaml\n  $ lifeboat policy list\n  $ lifeboat policy run nightly --wait\n",
    );

  const createCommand = policy
    .command("create")
    .description("create a policy from a YAML file (-f) or from flags; the hub schedules it at once")
    .option("-f, --file <file>", "the policy as YAML in the proto JSON form (see docs/examples/policy.yaml); no other policy flag with it");
  withOutputOption(withAdminConnectionOptions(withPolicyOptions(createCommand)))
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat policy create -f policy.yaml\n  $ lifeboat policy create --name nightly --cluster-selector env=prod --schedule '0 2 * * *' --time-zone Europe/Paris \\\n      --repository main --exclude-namespaces kube-system --ttl 720h --keep-daily 7 --keep-weekly 4\n  $ lifeboat policy create --name shop-hourly --clusters eu-1,us-1 --schedule '@every 1h' --repository main --include-namespaces shop\n  $ lifeboat policy get nightly -o yaml > p.yaml   # edit, then create it again under a new name\n",
    )
    .action(async (options: Common & PolicyFlags & { file?: string }) => {
      const made = await policyToCreate(options);
      const { policy: created } = await withAdmin(options, (client) => client.createPolicy({ policy: made }, unaryCall()));
      writeOutput(options.output, messageJson(PolicySchema, created!), () => renderFields(policyFields(created!)));
    });

  withOutputOption(withAdminConnectionOptions(policy.command("list")))
    .description("list policies by name")
    .addHelpText("after", "\nExamples:\n  $ lifeboat policy list\n  $ lifeboat policy list -o yaml\n")
    .action(async (options: Common) => {
      const { policies } = await withAdmin(options, (client) => client.listPolicies({}, unaryCall()));
      writeOutput(
        options.output,
        policies.map((p) => messageJson(PolicySchema, p)),
        () => renderTable(policies, POLICY_COLUMNS),
      );
    });

  withOutputOption(withAdminConnectionOptions(policy.command("get")))
    .description("show one policy with its schedule, spec, retention and next run")
    .argument("<policy>", "the policy's name or id")
    .addHelpText("after", "\nExamples:\n  $ lifeboat policy get nightly\n  $ lifeboat policy get nightly -o yaml   # the form policy create -f takes\n")
    .action(async (name: string, options: Common) => {
      const { policy: p } = await withAdmin(options, (client) => client.getPolicy({ policy: name }, unaryCall()));
      writeOutput(options.output, messageJson(PolicySchema, p!), () => renderFields(policyFields(p!)));
    });

  for (const [verb, paused, description] of [
    ["pause", true, "stop a policy firing on its schedule (it can still be run by hand)"],
    ["resume", false, "let a paused policy fire on its schedule again"],
  ] as const) {
    withOutputOption(withAdminConnectionOptions(policy.command(verb)))
      .description(description)
      .argument("<policy>", "the policy's name or id")
      .addHelpText("after", `\nExamples:\n  $ lifeboat policy ${verb} nightly\n`)
      .action(async (name: string, options: Common) => {
        const { policy: p } = await withAdmin(options, (client) => client.setPolicyPaused({ policy: name, paused }, unaryCall()));
        writeOutput(options.output, messageJson(PolicySchema, p!), () => renderFields(policyFields(p!)));
      });
  }

  withOutputOption(withAdminConnectionOptions(policy.command("run")))
    .description("fire a policy now, whatever its schedule or pause; prints the backups it made, one per cluster")
    .argument("<policy>", "the policy's name or id")
    .option("--wait", "wait until the backups end, showing progress on stderr; exit 1 unless every one COMPLETED")
    .addHelpText("after", "\nExamples:\n  $ lifeboat policy run nightly\n  $ lifeboat policy run nightly --wait\n")
    .action(async (name: string, options: Common & { wait?: boolean }) => {
      await withAdmin(options, async (client) => {
        const { backups } = await client.runPolicy({ policy: name }, unaryCall());
        await printBackups(backups, { output: options.output, single: false, wait: options.wait === true, get: getBackup(client) });
      });
    });

  withOutputOption(withAdminConnectionOptions(policy.command("delete")))
    .description("delete a policy and its schedule; the backups it made stay until they expire")
    .argument("<policy>", "the policy's name or id")
    .addHelpText("after", "\nExamples:\n  $ lifeboat policy delete nightly\n")
    .action(async (name: string, options: Common) => {
      await withAdmin(options, (client) => client.deletePolicy({ policy: name }, unaryCall()));
      writeOutput(options.output, { policy: name, deleted: true }, () => `policy ${name} deleted (its backups stay until they expire)\n`);
    });
}

/** The policy from -f, or from the flags; the file takes the whole policy, so flags beside it are refused. */
async function policyToCreate(options: PolicyFlags & { file?: string }): Promise<Policy> {
  if (options.file !== undefined) {
    const beside = flagBesideFile(options);
    if (beside !== undefined) {
      throw new LifeboatError("INVALID_ARGUMENT", `${beside} cannot be given with -f: the file holds the whole policy; set it in ${options.file} instead`, { field: beside });
    }
    return readPolicyFile("-f", options.file);
  }
  const hooks = options.hooksFile === undefined ? [] : await readHooksFile("--hooks-file", options.hooksFile);
  return buildPolicy(options, hooks);
}
