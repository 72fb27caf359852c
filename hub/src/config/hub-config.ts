import { LifeboatError } from "@lifeboat/shared";
import { DEFAULT_KEY_PREFIX } from "../store/index.js";

/** How the hub wants agents to behave; sent in Welcome.configuration. */
export interface AgentSettings {
  /** How often agents send a heartbeat; a stream silent for three of these is closed. */
  heartbeatIntervalMs: number;
  /** Lease on a handed-out task; progress renews it. */
  leaseMs: number;
  /** How often agents send an inventory unasked; 0 = only after hello. */
  inventoryIntervalMs: number;
  /** Validity of the client certificates the hub signs. */
  certificateValidityDays: number;
  /** Agents renew their certificate when it has less than this left. */
  certificateRenewBeforeDays: number;
}

/** The hub's configuration file, `hub.yaml` in its data directory. */
export interface HubConfig {
  /** Format version of this file. */
  version: 1;
  /** host:port the hub's one TLS port listens on (Register, Connect and AdminService). */
  listen: string;
  /** Names this replica in Cluster.connected_hub and lease owners; default host:pid. */
  hubId?: string;
  /** Extra host names or IPs in the serving certificate (127.0.0.1 and localhost always are). */
  serverNames: string[];
  redis: { url: string; keyPrefix: string };
  /** File names, relative to the data directory. */
  files: { caCertificate: string; caKey: string; certificate: string; key: string };
  /**
   * SHA-256 (hex) of the admin credential. The hub keeps only the hash; the credential itself
   * is shown once by `hub init` and left in `admin-credential` (0600) for the operator.
   */
  adminCredentialSha256: string;
  agents: AgentSettings;
  tokens: { defaultTtlSeconds: number; maxTtlSeconds: number };
  /** Largest gRPC message sent or accepted, both ways. */
  maxMessageBytes: number;
}

export const CONFIG_FILE = "hub.yaml";

export const DEFAULT_AGENT_SETTINGS: AgentSettings = {
  heartbeatIntervalMs: 15_000,
  leaseMs: 60_000,
  inventoryIntervalMs: 60 * 60 * 1000,
  certificateValidityDays: 90,
  certificateRenewBeforeDays: 30,
};

export function defaultHubConfig(adminCredentialSha256: string): HubConfig {
  return {
    version: 1,
    listen: "0.0.0.0:7443",
    serverNames: [],
    redis: { url: "redis://127.0.0.1:6379", keyPrefix: DEFAULT_KEY_PREFIX },
    files: { caCertificate: "ca.crt", caKey: "ca.key", certificate: "hub.crt", key: "hub.key" },
    adminCredentialSha256,
    agents: { ...DEFAULT_AGENT_SETTINGS },
    tokens: { defaultTtlSeconds: 3600, maxTtlSeconds: 30 * 24 * 3600 },
    maxMessageBytes: 16 * 1024 * 1024,
  };
}

/**
 * Checks a parsed hub.yaml and fills in defaults for what it leaves out (all but the admin
 * credential hash). Throws INVALID_ARGUMENT naming the setting (e.g. `hub.yaml: agents.leaseMs`)
 * and what would be valid.
 */
export function readHubConfig(parsed: unknown, source = CONFIG_FILE): HubConfig {
  const root = objectAt(parsed, "", source);
  const defaults = defaultHubConfig("");
  const version = root.version ?? 1;
  if (version !== 1) throw invalid(source, "version", version, "this hub reads version 1");
  const hash = root.adminCredentialSha256;
  if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) {
    throw invalid(source, "adminCredentialSha256", typeof hash === "string" ? "(not shown)" : hash, "must be 64 lower-case hex digits (hub init writes it)");
  }
  const redis = objectAt(root.redis ?? {}, "redis", source);
  const files = objectAt(root.files ?? {}, "files", source);
  const agents = objectAt(root.agents ?? {}, "agents", source);
  const tokens = objectAt(root.tokens ?? {}, "tokens", source);
  const serverNames = root.serverNames ?? [];
  if (!Array.isArray(serverNames) || serverNames.some((n) => typeof n !== "string" || n === "")) {
    throw invalid(source, "serverNames", serverNames, "must be a list of host names or IP addresses");
  }
  const hubId = root.hubId;
  if (hubId !== undefined && (typeof hubId !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(hubId))) {
    throw invalid(source, "hubId", hubId, "must be 1-128 letters, digits, '.', '_', ':' or '-'");
  }
  const config: HubConfig = {
    version: 1,
    listen: text(source, "listen", root.listen ?? defaults.listen),
    serverNames: serverNames as string[],
    redis: {
      url: text(source, "redis.url", redis.url ?? defaults.redis.url),
      keyPrefix: text(source, "redis.keyPrefix", redis.keyPrefix ?? defaults.redis.keyPrefix),
    },
    files: {
      caCertificate: text(source, "files.caCertificate", files.caCertificate ?? defaults.files.caCertificate),
      caKey: text(source, "files.caKey", files.caKey ?? defaults.files.caKey),
      certificate: text(source, "files.certificate", files.certificate ?? defaults.files.certificate),
      key: text(source, "files.key", files.key ?? defaults.files.key),
    },
    adminCredentialSha256: hash,
    agents: {
      heartbeatIntervalMs: integer(source, "agents.heartbeatIntervalMs", agents.heartbeatIntervalMs ?? defaults.agents.heartbeatIntervalMs, 100, 3_600_000),
      leaseMs: integer(source, "agents.leaseMs", agents.leaseMs ?? defaults.agents.leaseMs, 100, 24 * 3_600_000),
      inventoryIntervalMs: integer(source, "agents.inventoryIntervalMs", agents.inventoryIntervalMs ?? defaults.agents.inventoryIntervalMs, 0, 7 * 24 * 3_600_000),
      certificateValidityDays: integer(source, "agents.certificateValidityDays", agents.certificateValidityDays ?? defaults.agents.certificateValidityDays, 1, 3650),
      certificateRenewBeforeDays: integer(source, "agents.certificateRenewBeforeDays", agents.certificateRenewBeforeDays ?? defaults.agents.certificateRenewBeforeDays, 0, 3650),
    },
    tokens: {
      defaultTtlSeconds: integer(source, "tokens.defaultTtlSeconds", tokens.defaultTtlSeconds ?? defaults.tokens.defaultTtlSeconds, 1, 365 * 86_400),
      maxTtlSeconds: integer(source, "tokens.maxTtlSeconds", tokens.maxTtlSeconds ?? defaults.tokens.maxTtlSeconds, 1, 365 * 86_400),
    },
    maxMessageBytes: integer(source, "maxMessageBytes", root.maxMessageBytes ?? defaults.maxMessageBytes, 64 * 1024, 1024 * 1024 * 1024),
  };
  if (hubId !== undefined) config.hubId = hubId as string;
  if (config.agents.certificateRenewBeforeDays >= config.agents.certificateValidityDays) {
    throw invalid(source, "agents.certificateRenewBeforeDays", config.agents.certificateRenewBeforeDays, `must be less than agents.certificateValidityDays (${config.agents.certificateValidityDays})`);
  }
  if (config.tokens.defaultTtlSeconds > config.tokens.maxTtlSeconds) {
    throw invalid(source, "tokens.defaultTtlSeconds", config.tokens.defaultTtlSeconds, `must be at most tokens.maxTtlSeconds (${config.tokens.maxTtlSeconds})`);
  }
  return config;
}

function invalid(source: string, field: string, value: unknown, rule: string): LifeboatError {
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  return new LifeboatError("INVALID_ARGUMENT", `${source}: ${field} ${shown} is invalid: ${rule}`, { field, value: shown });
}

function objectAt(value: unknown, field: string, source: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(source, field === "" ? "(document)" : field, value, "must be a mapping");
  }
  return value as Record<string, unknown>;
}

function text(source: string, field: string, value: unknown): string {
  if (typeof value !== "string" || value === "") throw invalid(source, field, value, "must be a non-empty string");
  return value;
}

function integer(source: string, field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(source, field, value, `must be an integer from ${min} to ${max}`);
  }
  return value;
}
