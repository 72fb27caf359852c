import type { Command } from "commander";
import { pino } from "pino";
import { missing, parseCount, parseDuration, readOptionFile } from "../arguments.js";
import { waitForStopSignal } from "../signals.js";

interface AgentStartOptions {
  hub?: string;
  ca?: string;
  token?: string;
  tokenFile?: string;
  clusterName?: string;
  kubeconfig?: string;
  stateDir?: string;
  concurrency: string;
  inventoryPeriod?: string;
  dataMoverNamespace?: string;
  moverImage?: string;
  volumeStallTimeout?: string;
  logLevel: string;
}

// Secrets that must never reach a log line.
const REDACTED_PATHS = ["token", "privateKeyPem", "certificatePem", "caCertificatePem", "csrPem"].flatMap((key) => [key, `*.${key}`]);

/** `lifeboat agent start`: run the agent for one cluster. */
export function addAgentCommands(program: Command): void {
  const agent = program
    .command("agent")
    .description("run the agent that connects one cluster to the hub")
    .addHelpText("after", "\nExamples:\n  $ lifeboat agent start --hub hub.example.com:7443 --ca hub-ca.crt --token lbt_… --state-dir /var/lib/lifeboat-agent\n");

  agent
    .command("start")
    .description("register with a token the first time, then connect and run tasks until SIGTERM or SIGINT")
    .option("--hub <host:port,...>", "the hub's address, or its replicas' separated by commas (env LIFEBOAT_HUB); optional once registered")
    .option("--ca <file>", "the hub's CA certificate, PEM (env LIFEBOAT_CA); without it the system roots are trusted at registration")
    .option("--token <secret>", "a registration token's secret, needed only for the first registration (env LIFEBOAT_TOKEN)")
    .option("--token-file <file>", "read the token's secret from a file instead (keeps it out of the process list)")
    .option("--cluster-name <name>", "the name to register the cluster under (the hub picks one when absent or taken)")
    .option("--kubeconfig <file>", "kubeconfig of the cluster (default in-cluster, else KUBECONFIG or ~/.kube/config)")
    .option("--state-dir <dir>", "where the agent keeps its identity: key, certificate, cluster id (env LIFEBOAT_STATE_DIR)")
    .option("--concurrency <n>", "tasks run at once", "2")
    .option("--inventory-period <duration>", "how often to send an inventory unasked, e.g. 15m (default: the hub's setting, else 15m)")
    .option("--data-mover-namespace <name>", "where the node agents' VolumeBackups, VolumeRestores and the task's repository Secret go (default lifeboat-system)")
    .option("--mover-image <image>", "image of the data-mover pods that mount a claim for a snapshot copy or a restore (default busybox:1.36)")
    .option("--volume-stall-timeout <duration>", "how long a volume copy may go without progress before it fails, e.g. 10m (default 10m; a backup's --volume-timeout wins)")
    .option("--log-level <level>", "pino log level: debug, info, warn or error", "info")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat agent start --hub hub.example.com:7443 --ca hub-ca.crt --token-file /run/secrets/lifeboat-token \\\n      --kubeconfig ~/.kube/config --state-dir /var/lib/lifeboat-agent\n  $ lifeboat agent start --state-dir /var/lib/lifeboat-agent   # after the first registration\n  $ lifeboat agent start --hub hub-1.example.com:7443,hub-2.example.com:7443 --state-dir /var/lib/lifeboat-agent   # hub replicas\n\nLogs are JSON lines (pino) on stdout. The token is used once; later starts use the identity in --state-dir.\nWith several hub addresses the agent starts at a random one and moves to the next whenever its stream ends.\n",
    )
    .action(async (options: AgentStartOptions) => {
      const stateDir = options.stateDir ?? process.env.LIFEBOAT_STATE_DIR;
      if (stateDir === undefined) throw missing("--state-dir", "give the directory the agent keeps its identity in with --state-dir or LIFEBOAT_STATE_DIR");
      const caFile = options.ca ?? process.env.LIFEBOAT_CA;
      const token = options.tokenFile !== undefined ? (await readOptionFile("--token-file", options.tokenFile)).trim() : (options.token ?? process.env.LIFEBOAT_TOKEN);
      // Imported here: the Kubernetes client is heavy, and only this command needs it.
      const { parseHubAddresses, startAgent } = await import("@lifeboat/agent");
      const hub = options.hub ?? process.env.LIFEBOAT_HUB;
      const agentOptions = {
        hubAddresses: hub === undefined ? undefined : parseHubAddresses([hub], options.hub === undefined ? "LIFEBOAT_HUB" : "--hub"),
        hubCaCertificatePem: caFile === undefined ? undefined : await readOptionFile("--ca", caFile),
        token: token === "" ? undefined : token,
        clusterName: options.clusterName,
        kubeconfig: options.kubeconfig,
        stateDir,
        concurrency: parseCount("--concurrency", options.concurrency),
        inventoryPeriod: options.inventoryPeriod === undefined ? undefined : parseDuration("--inventory-period", options.inventoryPeriod),
        dataMover: {
          ...(options.dataMoverNamespace ? { namespace: options.dataMoverNamespace } : {}),
          ...(options.moverImage ? { moverImage: options.moverImage } : {}),
          ...(options.volumeStallTimeout ? { stallTimeoutMs: parseDuration("--volume-stall-timeout", options.volumeStallTimeout) } : {}),
        },
      };
      const logger = pino({ name: "lifeboat-agent", level: options.logLevel, redact: REDACTED_PATHS });
      const stopSignal = waitForStopSignal();
      const starting = new AbortController();
      void stopSignal.then(() => starting.abort());
      let running: Awaited<ReturnType<typeof startAgent>>;
      try {
        running = await startAgent({ ...agentOptions, logger, signal: starting.signal });
      } catch (err) {
        // Stopped while still starting (waiting out an API server or hub that is down): a clean stop.
        if (starting.signal.aborted) return;
        throw err;
      }
      logger.info({ clusterId: running.clusterId }, "agent started");
      // Either a signal asks it to stop, or it stops by itself (the hub refused its identity).
      const outcome = await Promise.race([stopSignal.then(() => "signal" as const), running.done.then(() => "done" as const)]);
      if (outcome === "signal") await running.stop();
      await running.done;
      logger.flush();
    });
}
