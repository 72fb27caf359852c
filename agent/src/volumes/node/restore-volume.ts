// One VolumeRestore: a tree from the repository into the pod's volume directory, then a marker
// file saying which restore put the data there (the cluster agent and tests look for it).
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { restoreTree, type ContentId } from "@lifeboat/shared/repo";
import type { VolumeRestoreResult, VolumeRestoreSpec } from "../contract.js";
import type { CopyContext } from "./copy-context.js";
import { measureTree } from "./size-walk.js";
import { resolveVolumeRoot } from "./volume-root.js";

const WRITE_CONCURRENCY = 8;

/** The marker a completed restore leaves in the volume: <root>/.lifeboat/restored-<restoreId>. */
export function restoredMarkerPath(root: string, restoreId: string): string {
  return join(root, ".lifeboat", `restored-${restoreId}`);
}

export async function restoreVolume(spec: VolumeRestoreSpec, context: CopyContext): Promise<VolumeRestoreResult> {
  const root = await resolveVolumeRoot(context.kubeletRoot, spec);
  // This restore wrote the volume already (an earlier attempt finished, then its object went):
  // writing again could overwrite what the application has written since.
  if (existsSync(restoredMarkerPath(root, spec.restoreId))) {
    const size = await measureTree(root);
    context.progress({ bytesDone: size.bytes, filesDone: size.files, bytesTotal: size.bytes, filesTotal: size.files });
    return { files: size.files, bytes: size.bytes };
  }
  // Read-only: no writer lease. The codec workers decrypt and write files beside the main thread.
  const repo = await context.openRepository(context.access, { write: false });
  try {
    const stats = await restoreTree(spec.tree as ContentId, root, {
      content: repo.content,
      concurrency: WRITE_CONCURRENCY,
      signal: context.signal,
      progress: (s) => context.progress({ bytesDone: s.bytes, filesDone: s.files }),
    });
    await mkdir(join(root, ".lifeboat"), { recursive: true });
    await writeFile(restoredMarkerPath(root, spec.restoreId), `${new Date().toISOString()}\n`);
    context.progress({ bytesDone: stats.bytes, filesDone: stats.files, bytesTotal: stats.bytes, filesTotal: stats.files });
    return { files: stats.files, bytes: stats.bytes };
  } finally {
    await repo.close().catch(() => undefined);
    await repo.storage.close().catch(() => undefined);
  }
}
