export { startEmulator, type EmulatorOptions, type RunningEmulator, type ControllerName } from "./emulator.js";
export { getPersona, supportedVersions, type Persona } from "./personas/index.js";
export type { JsonObject, KubeObject, ResourceInfo } from "./api-types.js";
