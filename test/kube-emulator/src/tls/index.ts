export { createServingCertificates, type ServingCertificates } from "./certificates.js";
