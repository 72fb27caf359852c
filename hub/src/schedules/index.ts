export { PolicyScheduler, type PolicySchedulerOptions, type PolicyScheduleControl } from "./policy-scheduler.js";
export { parseSchedule, checkTimeZone, nextRunAfter, type Schedule } from "./parse-schedule.js";
export { startPolicyRuntime, type PolicyRuntime, type PolicyRuntimeOptions } from "./start-policy-runtime.js";
