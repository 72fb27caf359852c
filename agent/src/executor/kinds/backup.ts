import { runBackup } from "../../backup/index.js";
import type { TaskKind } from "../task-kind.js";

/**
 * Backs up the cluster into the task's repository. A retried attempt writes the same backup id
 * again: its records replace the earlier attempt's, and the manifest, written last, makes it exist.
 */
export const backupTask: TaskKind<"backup"> = {
  run: (spec, context) => runBackup(spec, context),
};
