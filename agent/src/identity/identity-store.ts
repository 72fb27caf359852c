import { lstat, mkdir, mkdtemp, open, readFile, readdir, rename, rm, symlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { LifeboatError } from "@lifeboat/shared";
import { isCertificateForKey } from "./certificate.js";

/** Who the agent is to the hub: what Register returned, and the key only the agent holds. */
export interface AgentIdentity {
  clusterId: string;
  /**
   * host:port of each hub replica the agent may connect to (one or more, all serving the same
   * fleet). Registration records the addresses the agent was given.
   */
  hubAddresses: string[];
  /** PKCS#8 PEM; never logged, never sent. */
  privateKeyPem: string;
  /** The client certificate the hub's CA signed, PEM. */
  certificatePem: string;
  /** The hub's CA certificate, PEM. */
  caCertificatePem: string;
}

// One file per part, named as a kubernetes.io/tls Secret names its keys, so an operator can
// recognise (and a chart can mount) them. `hub-address` holds one address per line; state
// directories written before several addresses were possible hold one, and read the same.
const FILES = {
  clusterId: "cluster-id",
  hubAddresses: "hub-address",
  privateKeyPem: "tls.key",
  certificatePem: "tls.crt",
  caCertificatePem: "ca.crt",
} as const satisfies Record<keyof AgentIdentity, string>;
type Part = keyof AgentIdentity;

const CURRENT = "identity";
const GENERATION_PREFIX = "identity-";

/**
 * The agent's identity on disk under the state directory, so that a restarted agent reconnects
 * without registering again. Files are 0600 in 0700 directories.
 *
 * A renewal replaces the key and the certificate together, and a crash between writing the two
 * would leave a key that does not match its certificate. So each save writes a fresh
 * `identity-XXXX/` directory and then swaps the `identity` symlink to it with one rename, as the
 * kubelet's atomic writer does for Secret volumes: a reader sees the old identity or the new
 * one, never half of each.
 */
export class IdentityStore {
  constructor(readonly stateDir: string) {}

  /** Where the current identity's files are. */
  get directory(): string {
    return join(this.stateDir, CURRENT);
  }

  /**
   * The stored identity, or undefined when there is none. Throws CORRUPT, naming the file and
   * what to do, when the identity is incomplete or its key does not match its certificate.
   */
  async load(): Promise<AgentIdentity | undefined> {
    try {
      await lstat(this.directory);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    const parts: Partial<Record<Part, string>> = {};
    for (const [part, file] of Object.entries(FILES) as [Part, string][]) {
      const path = join(this.directory, file);
      try {
        parts[part] = (await readFile(path, "utf8")).trim();
      } catch (err) {
        throw this.corrupt(`${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`, file, err);
      }
      if (!parts[part]) throw this.corrupt(`${path} is empty`, file);
    }
    const identity: AgentIdentity = {
      clusterId: parts.clusterId!,
      hubAddresses: parts.hubAddresses!.split(/[\s,]+/).filter((address) => address !== ""),
      privateKeyPem: `${parts.privateKeyPem}\n`,
      certificatePem: `${parts.certificatePem}\n`,
      caCertificatePem: `${parts.caCertificatePem}\n`,
    };
    let matches: boolean;
    try {
      matches = isCertificateForKey(identity.certificatePem, identity.privateKeyPem, join(this.directory, FILES.certificatePem));
    } catch (err) {
      throw this.corrupt(`${join(this.directory, FILES.certificatePem)} or ${FILES.privateKeyPem} does not parse`, FILES.certificatePem, err);
    }
    if (!matches) throw this.corrupt(`${join(this.directory, FILES.certificatePem)} does not certify the key in ${FILES.privateKeyPem}`, FILES.certificatePem);
    return identity;
  }

  /** Stores `identity` in place of the current one, atomically. */
  async save(identity: AgentIdentity): Promise<void> {
    await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
    const generation = await mkdtemp(join(this.stateDir, GENERATION_PREFIX));
    for (const [part, file] of Object.entries(FILES) as [Part, string][]) {
      const value = part === "hubAddresses" ? identity.hubAddresses.join("\n") : identity[part];
      await writeDurably(join(generation, file), value.endsWith("\n") ? value : `${value}\n`);
    }
    const link = join(this.stateDir, `.${CURRENT}-${basename(generation)}.link`);
    await symlink(basename(generation), link);
    await rename(link, this.directory);
    await syncDirectory(this.stateDir);
    await this.removeOldGenerations(basename(generation));
  }

  private async removeOldGenerations(keep: string): Promise<void> {
    for (const name of await readdir(this.stateDir)) {
      if (name.startsWith(GENERATION_PREFIX) && name !== keep) await rm(join(this.stateDir, name), { recursive: true, force: true });
    }
  }

  private corrupt(problem: string, file: string, cause?: unknown): LifeboatError {
    return new LifeboatError(
      "CORRUPT",
      `the agent's identity in ${this.directory} is unusable: ${problem}; ` +
        `delete ${this.directory} and register again with a new registration token`,
      { field: "stateDir", value: join(this.directory, file), cause },
    );
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, "wx", 0o600);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename in `dir` survive a power cut (the directory entry itself is flushed). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
