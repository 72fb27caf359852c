import type { TaskKindRegistry } from "../task-kind.js";
import { inventoryTask } from "./inventory.js";

/** Every kind of task this agent runs, one file each. */
export const taskKinds: TaskKindRegistry = {
  inventory: inventoryTask,
};
