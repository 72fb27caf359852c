import { randomBytes } from "node:crypto";
import { LifeboatError, isLifeboatError } from "@lifeboat/shared";
import { exists, readDataFile, writeDataFile } from "../config/index.js";

/** The hub's secret key file in its data directory: 32 random bytes, base64, mode 0600. */
export const SECRET_KEY_FILE = "secrets.key";
const KEY_BYTES = 32;

/**
 * The 32-byte key that encrypts repository credentials in Redis, made on first use. Every hub
 * replica sharing one Redis must hold the same file (as they share the CA), or none can read
 * what another stored. CORRUPT when the file exists but is not a key.
 */
export async function loadOrCreateSecretKey(dataDir: string): Promise<Buffer> {
  const path = `${dataDir}/${SECRET_KEY_FILE}`;
  if (!(await exists(path))) {
    try {
      await writeDataFile(dataDir, SECRET_KEY_FILE, `${randomBytes(KEY_BYTES).toString("base64")}\n`, { mode: 0o600 });
    } catch (err) {
      // Another replica made it meanwhile: use theirs.
      if (!(isLifeboatError(err) && err.code === "ALREADY_EXISTS")) throw err;
    }
  }
  const key = Buffer.from((await readDataFile(dataDir, SECRET_KEY_FILE)).trim(), "base64");
  if (key.length !== KEY_BYTES) {
    throw new LifeboatError("CORRUPT", `hub data directory ${dataDir}: ${SECRET_KEY_FILE} does not hold a ${KEY_BYTES}-byte key (base64)`, { field: SECRET_KEY_FILE });
  }
  return key;
}
