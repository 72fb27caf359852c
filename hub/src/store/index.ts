export { newTaskId, newClusterId, newTokenId, parseTaskId, parseClusterId, parseTokenId, type TaskId, type ClusterId, type TokenId } from "./ids.js";
export { taskKeys, DEFAULT_KEY_PREFIX, TASK_STATES, type TaskKeys, type TaskState } from "./keys.js";
export { defineTaskScripts, type TaskScriptCommands } from "./define-scripts.js";
export { connectHubRedis, defaultClientName, type HubRedis, type RedisSettings } from "./redis.js";
