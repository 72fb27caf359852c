export { readHubConfig, defaultHubConfig, CONFIG_FILE, DEFAULT_AGENT_SETTINGS, type HubConfig, type AgentSettings } from "./hub-config.js";
export { loadHubConfig, renderHubConfig, readDataFile, writeDataFile, ensureDataDir, exists, ADMIN_CREDENTIAL_FILE } from "./data-dir.js";
export { newAdminCredential, hashAdminCredential, isAdminCredential } from "./admin-credential.js";
