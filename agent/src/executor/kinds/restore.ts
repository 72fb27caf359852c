import { runRestore } from "../../restore/run-restore.js";
import type { TaskKind } from "../task-kind.js";

/**
 * Restores a backup from the task's repository into this cluster. A retried attempt applies the
 * same plan again: what an earlier attempt created is found by its restore label and counted once.
 */
export const restoreTask: TaskKind<"restore"> = {
  run: (spec, context) => runRestore(spec, context),
};
