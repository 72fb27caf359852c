import { join } from "node:path";
import { Metadata, type Client } from "@grpc/grpc-js";
import { AdminService } from "@lifeboat/proto";
import { createChannel, createClient, createClientTls, LifeboatError, type ServiceClient, type ServiceMethods } from "@lifeboat/shared";
import type { Command } from "commander";
import { ADMIN_CREDENTIAL_FILE, loadHubConfig } from "../config/index.js";
import { missing, readOptionFile } from "./arguments.js";

export type AdminClient = ServiceClient<ServiceMethods<typeof AdminService>>;

/** Where the CLI finds the hub, as given on the command line (environment and data dir fill gaps). */
export interface AdminConnectionOptions {
  hub?: string;
  ca?: string;
  credentialFile?: string;
  dataDir?: string;
}

/** How long one unary admin call may take before it fails UNAVAILABLE. */
export const CALL_TIMEOUT_MS = 30_000;

/** Adds --hub, --ca, --credential-file and --data-dir to a command that calls the admin API. */
export function withAdminConnectionOptions(command: Command): Command {
  return command
    .option("--hub <host:port>", "the hub's address (env LIFEBOAT_HUB; default from --data-dir's hub.yaml)")
    .option("--ca <file>", "the hub's CA certificate, PEM (env LIFEBOAT_CA; default <data-dir>/ca.crt)")
    .option("--credential-file <file>", "file holding the admin credential (env LIFEBOAT_CREDENTIAL_FILE; default <data-dir>/admin-credential)")
    .option("--data-dir <dir>", "a hub data directory to take the three above from, on the hub's host (env LIFEBOAT_DATA_DIR)");
}

export interface AdminConnection {
  client: AdminClient;
  close(): void;
}

/**
 * Opens a TLS channel to the hub with the admin credential on every call. Each setting comes from
 * its option, else its environment variable, else the data directory; INVALID_ARGUMENT names the
 * one that is missing, UNAVAILABLE a file that cannot be read. The credential never appears in an error.
 */
export async function openAdminConnection(options: AdminConnectionOptions, env: NodeJS.ProcessEnv = process.env): Promise<AdminConnection> {
  const dataDir = options.dataDir ?? env.LIFEBOAT_DATA_DIR;
  let hub = options.hub ?? env.LIFEBOAT_HUB;
  let caFile = options.ca ?? env.LIFEBOAT_CA;
  let credentialFile = options.credentialFile ?? env.LIFEBOAT_CREDENTIAL_FILE;
  if (dataDir !== undefined && (hub === undefined || caFile === undefined)) {
    const config = await loadHubConfig(dataDir);
    hub ??= dialableAddress(config.listen);
    caFile ??= join(dataDir, config.files.caCertificate);
  }
  if (dataDir !== undefined) credentialFile ??= join(dataDir, ADMIN_CREDENTIAL_FILE);
  if (hub === undefined) throw missing("--hub", "give the hub's host:port with --hub, LIFEBOAT_HUB or --data-dir");
  if (caFile === undefined) throw missing("--ca", "give the hub's CA certificate with --ca, LIFEBOAT_CA or --data-dir");
  if (credentialFile === undefined) {
    throw missing("--credential-file", "give the file holding the admin credential with --credential-file, LIFEBOAT_CREDENTIAL_FILE or --data-dir");
  }
  const caCertificatePem = await readOptionFile("--ca", caFile);
  const credential = (await readOptionFile("--credential-file", credentialFile)).trim();
  if (credential === "") {
    throw new LifeboatError("INVALID_ARGUMENT", `--credential-file ${credentialFile} is empty: it should hold the admin credential printed by \`lifeboat hub init\``, {
      field: "--credential-file",
      value: credentialFile,
    });
  }
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${credential}`);
  const channel: Client = createChannel(hub, createClientTls({ caCertificatePem }));
  return { client: createClient(AdminService, channel, { metadata }), close: () => channel.close() };
}

/** Runs `work` with an admin client and closes the channel after, whatever happens. */
export async function withAdmin<T>(options: AdminConnectionOptions, work: (client: AdminClient) => Promise<T>): Promise<T> {
  const connection = await openAdminConnection(options);
  try {
    return await work(connection.client);
  } finally {
    connection.close();
  }
}

/** Call options for one unary call: a deadline, so an unreachable hub fails instead of hanging. */
export function unaryCall(): { deadline: number } {
  return { deadline: Date.now() + CALL_TIMEOUT_MS };
}

// A hub listening on every interface is reached on loopback from its own host.
function dialableAddress(listen: string): string {
  const at = listen.lastIndexOf(":");
  const host = listen.slice(0, at);
  const port = listen.slice(at + 1);
  return host === "0.0.0.0" || host === "::" || host === "[::]" || host === "" ? `127.0.0.1:${port}` : listen;
}
