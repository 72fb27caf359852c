#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from "commander";
import { controllerNames, type ControllerName } from "./controllers/index.js";
import { startEmulator } from "./emulator.js";
import { supportedVersions } from "./personas/index.js";

function controllerList(value: string): ControllerName[] {
  if (value === "none") return [];
  if (value === "all") return [...controllerNames];
  const names = value.split(",").map((n) => n.trim()).filter((n) => n !== "");
  const unknown = names.filter((n) => !(controllerNames as string[]).includes(n));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown controller(s) ${unknown.join(", ")}; known: ${controllerNames.join(", ")}`);
  return names as ControllerName[];
}

function nonNegativeNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number, got "${value}"`);
    return n;
  };
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${value}"`);
    return n;
  };
}

const program = new Command()
  .name("lifeboat-kube-emulator")
  .description("A Kubernetes API server emulator for Lifeboat's tests and sandbox clusters.")
  .addOption(new Option("--k8s-version <version>", "Kubernetes version to pose as").choices(supportedVersions).default("1.30"))
  .option("--port <port>", "port to listen on (0 picks a free one)", positiveInt("--port"), 0)
  .option("--host <host>", "address to listen on", "127.0.0.1")
  .requiredOption("--kubeconfig <file>", "write a kubeconfig for this emulator here")
  .option("--name <name>", "cluster and context name in the kubeconfig")
  .option("--data-dir <dir>", "directory for volume data of the living-cluster controllers")
  .option("--nodes <n>", "number of Node objects", positiveInt("--nodes"), 1)
  .option("--tls", "serve HTTPS with a fresh self-signed CA written into the kubeconfig", false)
  .option("--legacy-apis", "serve extensions/v1beta1 and apps/v1beta1-2 workloads again (1.16 only)", false)
  .option("--volume-snapshots", "install the CSI snapshot API (snapshot.storage.k8s.io/v1) and run the snapshot controller (1.20 and newer)", false)
  .option("--controllers <names>", `comma-separated controllers to run, "all" or "none" (default: all of ${controllerNames.join(", ")})`, controllerList)
  .option("--cronjob-time-scale <n>", "CronJob clock speed: 1 real time, 60 a minute per second, 0 never fire", nonNegativeNumber("--cronjob-time-scale"), 1)
  .option("--job-pod-run-ms <ms>", "how long pods that run to completion run before they succeed", nonNegativeNumber("--job-pod-run-ms"), 200)
  .option("--job-backoff-ms <ms>", "delay before a failed Job pod is replaced (doubles per failure)", nonNegativeNumber("--job-backoff-ms"), 10_000)
  .option("--log-requests", "print one line per request to stderr", false)
  .addHelpText("after", "\nPrints the server URL on stdout once it is listening; stop it with SIGTERM or SIGINT.");

program.parse();
const opts = program.opts<{
  k8sVersion: string;
  port: number;
  host: string;
  kubeconfig: string;
  name?: string;
  dataDir?: string;
  nodes: number;
  tls: boolean;
  legacyApis: boolean;
  volumeSnapshots: boolean;
  controllers?: ControllerName[];
  cronjobTimeScale: number;
  jobPodRunMs: number;
  jobBackoffMs: number;
  logRequests: boolean;
}>();

try {
  const emulator = await startEmulator({
    k8sVersion: opts.k8sVersion,
    port: opts.port,
    host: opts.host,
    kubeconfigPath: opts.kubeconfig,
    name: opts.name,
    dataDir: opts.dataDir,
    nodes: opts.nodes,
    tls: opts.tls,
    legacyApis: opts.legacyApis,
    volumeSnapshots: opts.volumeSnapshots,
    controllers: opts.controllers,
    controllerSettings: { cronJobTimeScale: opts.cronjobTimeScale, jobPodRunMs: opts.jobPodRunMs, jobBackoffMs: opts.jobBackoffMs },
    logRequests: opts.logRequests,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${emulator.url}\n`);
  const shutdown = (): void => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
} catch (err) {
  process.stderr.write(`lifeboat-kube-emulator: ${(err as Error).message}\n`);
  process.exit(1);
}
