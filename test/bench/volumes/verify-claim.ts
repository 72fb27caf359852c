// Is a restored claim's data the source's? The repository benchmark's byte-for-byte check, after
// setting aside the marker a Lifeboat restore leaves in the volume (.lifeboat/restored-<id>, which
// tells a retried restore the data is already there): it must be there, and is not the data.
import { readdir, rename } from "node:fs/promises";
import path from "node:path";
import { verifyRestore, type Digests } from "../repository/verify.js";

export const MARKER_DIR = ".lifeboat";

/**
 * Throws unless `restoredRoot` holds exactly the source's files plus the restore marker for
 * `restoreId`. The marker directory is moved to `setAside` (a directory of the benchmark's own).
 */
export async function verifyClaimRestore(sourceRoot: string, source: Digests, restoredRoot: string, restoreId: string, setAside: string): Promise<void> {
  const markers = await readdir(path.join(restoredRoot, MARKER_DIR)).catch(() => [] as string[]);
  if (!markers.includes(`restored-${restoreId}`)) {
    throw new Error(`lifeboat: the restored volume ${restoredRoot} has no ${MARKER_DIR}/restored-${restoreId} (found: ${markers.join(", ") || "nothing"})`);
  }
  await rename(path.join(restoredRoot, MARKER_DIR), setAside);
  await verifyRestore(sourceRoot, source, restoredRoot, "lifeboat");
}
