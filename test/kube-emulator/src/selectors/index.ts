export {
  everything,
  formatLabelSelector,
  isEverything,
  labelSelectorFromObject,
  matchesLabels,
  newRequirement,
  parseLabelSelector,
  type LabelOperator,
  type LabelRequirement,
  type LabelSelector,
  type LabelSelectorObject,
} from "./label-selector.js";
export {
  escapeFieldValue,
  formatFieldSelector,
  matchesFields,
  parseFieldSelector,
  type FieldOperator,
  type FieldRequirement,
  type FieldSelector,
} from "./field-selector.js";
export { checkFieldSelector, fieldsForResource, resolveField, type CustomResourceFields } from "./field-labels.js";
export { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from "./validation.js";
