import type { TaskKindRegistry } from "../task-kind.js";
import { backupTask } from "./backup.js";
import { inventoryTask } from "./inventory.js";
import { restoreTask } from "./restore.js";

/** Every kind of task this agent runs, one file each. */
export const taskKinds: TaskKindRegistry = {
  inventory: inventoryTask,
  backup: backupTask,
  restore: restoreTask,
};
