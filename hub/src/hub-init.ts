import { join } from "node:path";
import { LifeboatError } from "@lifeboat/shared";
import {
  ADMIN_CREDENTIAL_FILE,
  CONFIG_FILE,
  defaultHubConfig,
  ensureDataDir,
  exists,
  hashAdminCredential,
  newAdminCredential,
  readHubConfig,
  renderHubConfig,
  writeDataFile,
  type HubConfig,
} from "./config/index.js";
import { CertificateAuthority, createCertificateAuthority } from "./pki/index.js";
import { loadOrCreateSecretKey, SECRET_KEY_FILE } from "./repositories/index.js";

export interface InitHubOptions {
  dataDir: string;
  /** Host names or IPs agents and the CLI will dial, for the serving certificate (loopback is always in). */
  serverNames?: string[];
  listen?: string;
  redisUrl?: string;
  keyPrefix?: string;
  hubId?: string;
}

export interface InitHubResult {
  config: HubConfig;
  /**
   * The admin credential, for the caller to show the operator once. It is also left in
   * `<dataDir>/admin-credential` (0600); the hub itself keeps only its SHA-256.
   */
  adminCredential: string;
  /** Absolute paths of everything written. */
  files: string[];
}

const KEY_MODE = 0o600;
const CERTIFICATE_MODE = 0o644;

/**
 * `hub init`: makes the hub's CA (P-256, 10 years), its serving certificate, an admin credential
 * and hub.yaml in `dataDir` (created 0700 if needed). Keys, the credential and hub.yaml are 0600.
 * Refuses (FAILED_PRECONDITION, changing nothing) when the directory holds a hub already, or any
 * file init would write. Nothing secret is logged or put in an error.
 */
export async function initHub(options: InitHubOptions): Promise<InitHubResult> {
  const { dataDir } = options;
  await ensureDataDir(dataDir);
  const base = defaultHubConfig("0".repeat(64));
  const names = [CONFIG_FILE, ADMIN_CREDENTIAL_FILE, base.files.caCertificate, base.files.caKey, base.files.certificate, base.files.key];
  for (const name of names) {
    if (await exists(join(dataDir, name))) {
      const what = name === CONFIG_FILE ? "is already initialised" : "holds a partly initialised hub";
      throw new LifeboatError(
        "FAILED_PRECONDITION",
        `hub data directory ${dataDir} ${what} (${name} exists); refusing to overwrite its keys. Use another --data-dir, or remove the directory to start over (every registered agent would have to register again)`,
        { field: "dataDir", value: dataDir },
      );
    }
  }

  const adminCredential = newAdminCredential();
  const config = readHubConfig({
    ...base,
    adminCredentialSha256: hashAdminCredential(adminCredential),
    serverNames: options.serverNames ?? [],
    ...(options.listen ? { listen: options.listen } : {}),
    ...(options.hubId ? { hubId: options.hubId } : {}),
    redis: { url: options.redisUrl ?? base.redis.url, keyPrefix: options.keyPrefix ?? base.redis.keyPrefix },
  });

  const caMaterial = await createCertificateAuthority();
  const ca = await CertificateAuthority.load(caMaterial);
  const serving = await ca.issueServingCertificate(config.serverNames);

  const writes: [string, string, number][] = [
    [config.files.caKey, caMaterial.privateKeyPem, KEY_MODE],
    [config.files.caCertificate, caMaterial.certificatePem, CERTIFICATE_MODE],
    [config.files.key, serving.privateKeyPem, KEY_MODE],
    [config.files.certificate, serving.certificatePem, CERTIFICATE_MODE],
    [ADMIN_CREDENTIAL_FILE, `${adminCredential}\n`, KEY_MODE],
    // Last: hub.yaml marks a complete init.
    [CONFIG_FILE, renderHubConfig(config), KEY_MODE],
  ];
  for (const [name, content, mode] of writes) await writeDataFile(dataDir, name, content, { mode });
  // The key repository credentials are sealed under; replicas given copies of this directory share it.
  await loadOrCreateSecretKey(dataDir);
  return { config, adminCredential, files: [...writes.map(([name]) => join(dataDir, name)), join(dataDir, SECRET_KEY_FILE)] };
}
