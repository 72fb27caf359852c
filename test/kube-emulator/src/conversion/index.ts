export { conversionTable, convertObject, type ConversionTarget } from "./convert.js";
export type { ConversionFamily, Spoke } from "./types.js";
export { DEPRECATED_ROLLBACK_TO, DEPRECATED_TEMPLATE_GENERATION } from "./workloads.js";
export { BEHAVIOR_ANNOTATION, CONDITIONS_ANNOTATION, CURRENT_METRICS_ANNOTATION, METRICS_ANNOTATION } from "./hpa.js";
export { PDB_V1BETA1_LABEL } from "./policy.js";
