import { create } from "@bufbuild/protobuf";
import { ClusterSchema, ClusterStateSchema, ListClustersRequestSchema, type Cluster } from "@lifeboat/proto";
import type { Command } from "commander";
import { unaryCall, withAdmin, withAdminConnectionOptions, type AdminConnectionOptions } from "../admin-connection.js";
import { allPages } from "../all-pages.js";
import { enumName, parseEnum } from "../arguments.js";
import { formatLabels, renderFields, renderTable, withOutputOption, writeOutput, type Column, type OutputFormat } from "../output.js";
import { messageJson, formatTime } from "../message-output.js";

type Common = AdminConnectionOptions & { output: OutputFormat };

const CLUSTER_COLUMNS: Column<Cluster>[] = [
  { header: "name", value: (c) => c.name },
  { header: "id", value: (c) => c.id },
  { header: "state", value: (c) => enumName(ClusterStateSchema, c.state) },
  { header: "labels", value: (c) => formatLabels(c.labels) },
  { header: "kubernetes", value: (c) => c.kubernetesVersion },
  { header: "agent", value: (c) => c.agentVersion },
  { header: "last-heartbeat", value: (c) => formatTime(c.lastHeartbeatTime) },
];

/** `lifeboat cluster list|get|delete`: the registered clusters. */
export function addClusterCommands(program: Command): void {
  const cluster = program
    .command("cluster")
    .description("list, show and delete registered clusters")
    .addHelpText("after", "\nExamples:\n  $ lifeboat cluster list --selector env=prod\n  $ lifeboat cluster get 6f1c…\n  $ lifeboat cluster delete 6f1c…\n");

  withOutputOption(withAdminConnectionOptions(cluster.command("list")))
    .description("list registered clusters by name")
    .option("--selector <selector>", "Kubernetes label-selector syntax on cluster labels, e.g. 'env=prod,region in (eu,us),!legacy'")
    .option("--state <state>", "only clusters in this state: connected or disconnected")
    .addHelpText("after", "\nExamples:\n  $ lifeboat cluster list\n  $ lifeboat cluster list --selector 'env=prod,region!=eu' --state connected -o json\n")
    .action(async (options: Common & { selector?: string; state?: string }) => {
      const state = options.state === undefined ? 0 : parseEnum("--state", options.state, ClusterStateSchema);
      const clusters = await withAdmin(options, async (client) => {
        const request = create(ListClustersRequestSchema, { labelSelector: options.selector ?? "", state, pageSize: 1000 });
        return allPages(async (pageToken) => {
          const page = await client.listClusters({ ...request, pageToken }, unaryCall());
          return { items: page.clusters, nextPageToken: page.nextPageToken };
        });
      });
      writeOutput(
        options.output,
        clusters.map((c) => messageJson(ClusterSchema, c)),
        () => renderTable(clusters, CLUSTER_COLUMNS),
      );
    });

  withOutputOption(withAdminConnectionOptions(cluster.command("get")))
    .description("show one cluster with its inventory")
    .argument("<id>", "the cluster's id")
    .addHelpText("after", "\nExamples:\n  $ lifeboat cluster get 6f1c2d9e-…\n  $ lifeboat cluster get 6f1c2d9e-… -o yaml   # with the full inventory\n")
    .action(async (id: string, options: Common) => {
      const { cluster: c } = await withAdmin(options, (client) => client.getCluster({ id }, unaryCall()));
      writeOutput(options.output, messageJson(ClusterSchema, c!), () => renderFields(describeCluster(c!)));
    });

  withOutputOption(withAdminConnectionOptions(cluster.command("delete")))
    .description("forget a cluster: its tasks are cancelled, its certificate refused; the agent must register again")
    .argument("<id>", "the cluster's id")
    .addHelpText("after", "\nExamples:\n  $ lifeboat cluster delete 6f1c2d9e-…\n")
    .action(async (id: string, options: Common) => {
      await withAdmin(options, (client) => client.deleteCluster({ id }, unaryCall()));
      writeOutput(options.output, { id, deleted: true }, () => `cluster ${id} deleted\n`);
    });
}

function describeCluster(c: Cluster): [string, string][] {
  const inventory = c.inventory;
  return [
    ["id", c.id],
    ["name", c.name],
    ["state", enumName(ClusterStateSchema, c.state)],
    ["labels", formatLabels(c.labels)],
    ["fingerprint", c.fingerprint],
    ["kubernetes", c.kubernetesVersion],
    ["agent", c.agentVersion],
    ["connected hub", c.connectedHub],
    ["connected", formatTime(c.connectTime)],
    ["disconnected", formatTime(c.disconnectTime)],
    ["last heartbeat", formatTime(c.lastHeartbeatTime)],
    ["certificate", c.certificate ? `serial ${c.certificate.serial}, until ${formatTime(c.certificate.notAfter)}` : ""],
    ["registration token", c.registrationTokenId],
    ["created", formatTime(c.createTime)],
    [
      "inventory",
      inventory
        ? `${inventory.namespaces.length} namespaces, ${inventory.nodes.length} nodes, ${inventory.apiResources.length} API resources, collected ${formatTime(inventory.collectTime)} (all of it: -o yaml)`
        : "none yet",
    ],
  ];
}
