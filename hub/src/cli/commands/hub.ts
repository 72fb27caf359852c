import { pino, type Logger } from "pino";
import type { Command } from "commander";
import type { HubLog } from "../../log.js";
import { missing } from "../arguments.js";
import { renderFields, withOutputOption, writeOutput, type OutputFormat } from "../output.js";
import { waitForStopSignal } from "../signals.js";

// The hub's and the agent's modules (BullMQ, x509, the Kubernetes client) are imported by the
// commands that run them, so that every other command starts in a fraction of the time.

interface HubDirOptions {
  dataDir?: string;
  listen?: string;
  redisUrl?: string;
  keyPrefix?: string;
}

/** `lifeboat hub init|start`: set up and run a hub on this host. */
export function addHubCommands(program: Command): void {
  const hub = program
    .command("hub")
    .description("set up and run a hub")
    .addHelpText("after", "\nExamples:\n  $ lifeboat hub init --data-dir /var/lib/lifeboat --server-name hub.example.com\n  $ lifeboat hub start --data-dir /var/lib/lifeboat\n");

  withOutputOption(hub.command("init"))
    .description("make a hub's data directory: CA, serving certificate, admin credential and hub.yaml")
    .option("--data-dir <dir>", "the directory to create (env LIFEBOAT_DATA_DIR); refused when it holds a hub already")
    .option("--server-name <name...>", "host names or IPs agents and the CLI dial, for the serving certificate (loopback is always in)")
    .option("--listen <host:port>", "address to listen on (default 0.0.0.0:7443)")
    .option("--redis-url <url>", "Redis to keep state in (default redis://127.0.0.1:6379)")
    .option("--key-prefix <prefix>", "prefix of every Redis key (default lifeboat:)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat hub init --data-dir /var/lib/lifeboat --server-name hub.example.com --redis-url redis://redis:6379\n  $ lifeboat hub init --data-dir ./hub -o json > init.json   # for scripts; keep init.json secret\n\nThe admin credential is printed once and left in <data-dir>/admin-credential (0600).\n",
    )
    .action(async (options: HubDirOptions & { serverName?: string[]; output: OutputFormat }) => {
      const dataDir = options.dataDir ?? process.env.LIFEBOAT_DATA_DIR;
      if (dataDir === undefined) throw missing("--data-dir", "give the directory for the hub's keys and configuration with --data-dir or LIFEBOAT_DATA_DIR");
      const { initHub } = await import("../../hub-init.js");
      const result = await initHub({
        dataDir,
        serverNames: options.serverName,
        listen: options.listen,
        redisUrl: options.redisUrl,
        keyPrefix: options.keyPrefix,
      });
      writeOutput(
        options.output,
        { dataDir, listen: result.config.listen, adminCredential: result.adminCredential, files: result.files },
        () =>
          renderFields([
            ["data dir", dataDir],
            ["listen", result.config.listen],
            ["server names", ["127.0.0.1", "localhost", ...result.config.serverNames].join(", ")],
            ["files", result.files.join(", ")],
          ]) +
          `\nAdmin credential (shown this once; store it somewhere safe, e.g. a password manager):\n\n  ${result.adminCredential}\n\n` +
          `It is also in ${dataDir}/admin-credential (0600). The hub keeps only its hash: if it is lost, nothing can show it again.\n`,
      );
    });

  hub
    .command("start")
    .description("run a hub until SIGTERM or SIGINT, then stop cleanly (agents reconnect to another replica)")
    .option("--data-dir <dir>", "the directory `hub init` made (env LIFEBOAT_DATA_DIR)")
    .option("--listen <host:port>", "override hub.yaml's listen address")
    .option("--redis-url <url>", "override hub.yaml's redis.url")
    .option("--key-prefix <prefix>", "override hub.yaml's redis.keyPrefix")
    .option("--hub-id <id>", "this replica's id (default hub.yaml's hubId, else host:pid); replicas sharing a Redis need distinct ids")
    .option("--log-level <level>", "pino log level: debug, info, warn or error", "info")
    .addHelpText(
      "after",
      "\nExamples:\n  $ lifeboat hub start --data-dir /var/lib/lifeboat\n  $ LIFEBOAT_DATA_DIR=/var/lib/lifeboat lifeboat hub start --hub-id hub-b --listen 0.0.0.0:7444\n\nLogs are JSON lines (pino) on stderr.\n",
    )
    .action(async (options: HubDirOptions & { hubId?: string; logLevel: string }) => {
      const dataDir = options.dataDir ?? process.env.LIFEBOAT_DATA_DIR;
      if (dataDir === undefined) throw missing("--data-dir", "give the directory `lifeboat hub init` made with --data-dir or LIFEBOAT_DATA_DIR");
      const logger = pino({ name: "lifeboat-hub", level: options.logLevel }, pino.destination(2));
      const stopSignal = waitForStopSignal();
      const { startHub } = await import("../../hub-process.js");
      const running = await startHub({
        dataDir,
        listen: options.listen,
        redisUrl: options.redisUrl,
        keyPrefix: options.keyPrefix,
        hubId: options.hubId,
        log: pinoHubLog(logger),
      });
      const signal = await stopSignal;
      logger.info({ signal }, "stopping");
      await running.stop();
      logger.info("stopped");
      logger.flush();
    });
}

/** The hub's log interface over pino: fields first, as pino takes them. */
function pinoHubLog(logger: Logger): HubLog {
  return {
    info: (message, fields = {}) => logger.info(fields, message),
    warn: (message, fields = {}) => logger.warn(fields, message),
    error: (message, fields = {}) => logger.error(fields, message),
  };
}
