export { parseRestoreOptions, type RestoreOptions } from "./restore-options.js";
export { parseMappingFlag } from "./mapping-flag.js";
export {
  parseResourceModifiers,
  type JsonPatchOperation,
  type ResourceModifierConditions,
  type ResourceModifierRule,
} from "./resource-modifiers.js";
export { applyResourceModifiers, type ModifierContext } from "./apply-resource-modifiers.js";
export { applyMergePatch } from "./merge-patch.js";
export { matchesLabelSelector, type LabelSelectorObject } from "./label-selector-object.js";
export { isCsiDriverName, isDns1123Label, isDns1123Subdomain } from "./kube-names.js";
export { registryPrefixProblem } from "./registry-prefix.js";
export { isTranslatablePvSource, TRANSLATABLE_PV_SOURCES, type TranslatablePvSource } from "./pv-sources.js";
