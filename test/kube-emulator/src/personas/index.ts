export type { Persona, PersonaGroup, PersonaOptions, ResourceDef, VersionInfo } from "./types.js";
export { getPersona, resourceCatalog, storageGroupOf, storageKeyOf, storageVersions, supportedVersions } from "./persona.js";
export { compareKubeAwareVersions } from "./kube-version.js";
