export { chooseVersion, definedResourceKey, type ChooseVersionOptions, type VersionChoice } from "./choose-version.js";
export { convertObject } from "./convert.js";
export { CONVERSION_FAMILIES, conversionFamilyOf, conversionInto, type ConversionFamily, type GroupResource } from "./conversion-table.js";
export { heldVersions } from "./held-versions.js";
