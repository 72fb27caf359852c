import type { Command } from "commander";
import { pino } from "pino";
import { missing, parseCount } from "../arguments.js";
import { waitForStopSignal } from "../signals.js";

interface NodeAgentStartOptions {
  nodeName?: string;
  kubeletRoot: string;
  kubeconfig?: string;
  namespace: string;
  concurrency: string;
  logLevel: string;
}

/** `lifeboat node-agent start`: copy volume data on one node (a DaemonSet pod in a real cluster). */
export function addNodeAgentCommands(program: Command): void {
  const nodeAgent = program
    .command("node-agent")
    .description("run the node agent that copies pods' volume data on one node")
    .addHelpText("after", "\nExamples:\n  $ lifeboat node-agent start --node-name \"$NODE_NAME\" --kubelet-root /var/lib/kubelet\n");

  nodeAgent
    .command("start")
    .description("take this node's VolumeBackups and VolumeRestores and copy their data until SIGTERM or SIGINT")
    .option("--node-name <name>", "the node this agent runs on (env LIFEBOAT_NODE_NAME; in a DaemonSet, from the downward API's spec.nodeName)")
    .option("--kubelet-root <dir>", "the kubelet's root directory as mounted into this process", "/var/lib/kubelet")
    .option("--kubeconfig <file>", "kubeconfig of the cluster (default in-cluster, else KUBECONFIG or ~/.kube/config)")
    .option("--namespace <ns>", "where the VolumeBackups, VolumeRestores and repository Secrets are", "lifeboat-system")
    .option("--concurrency <n>", "volumes copied at once", "2")
    .option("--log-level <level>", "pino log level: debug, info, warn or error", "info")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat node-agent start --node-name node-1 --kubelet-root /var/lib/kubelet --kubeconfig ~/.kube/config\n\nLogs are JSON lines (pino) on stdout. On SIGTERM copies under way stop and are handed back, so the next node agent of the node takes them.\n",
    )
    .action(async (options: NodeAgentStartOptions) => {
      const nodeName = options.nodeName ?? process.env.LIFEBOAT_NODE_NAME;
      if (!nodeName) throw missing("--node-name", "give the node this agent runs on with --node-name or LIFEBOAT_NODE_NAME");
      const concurrency = parseCount("--concurrency", options.concurrency);
      // Imported here: the Kubernetes client is heavy, and only this command needs it.
      const { loadKubeConfig, startNodeAgent } = await import("@lifeboat/agent");
      const kube = loadKubeConfig({ kubeconfig: options.kubeconfig });
      const logger = pino({ name: "lifeboat-node-agent", level: options.logLevel });
      const stopSignal = waitForStopSignal();
      const running = await startNodeAgent({ kube, nodeName, kubeletRoot: options.kubeletRoot, namespace: options.namespace, concurrency, logger });
      await stopSignal;
      await running.stop();
      logger.flush();
    });
}
