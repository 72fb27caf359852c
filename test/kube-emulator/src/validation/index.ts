export { validateObject, validateUpdate } from "./validate-object.js";
export { checkDns1123Label, checkDns1123Subdomain, checkQualifiedName } from "./names.js";
