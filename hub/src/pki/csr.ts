import { LifeboatError } from "@lifeboat/shared";
import { x509 } from "./crypto.js";

const MAX_CSR_CHARS = 16 * 1024;
const MIN_RSA_BITS = 2048;
const ACCEPTED_CURVES = new Set(["P-256", "P-384"]);

/**
 * The public key of a PKCS#10 certificate signing request, once its self-signature verifies (the
 * requester holds the private key). The subject and any requested extensions are ignored: the hub
 * decides what the certificate says. Accepts ECDSA P-256/P-384 and RSA of 2048 bits or more.
 * Throws INVALID_ARGUMENT naming `field` for anything else.
 */
export async function readCsrPublicKey(csrPem: string, field: string): Promise<x509.PublicKey> {
  const invalid = (why: string, cause?: unknown) =>
    new LifeboatError("INVALID_ARGUMENT", `${field} is not a usable certificate signing request: ${why}`, { field, cause });
  if (typeof csrPem !== "string" || csrPem.trim() === "") throw invalid("it is empty; send a PKCS#10 CSR in PEM");
  if (csrPem.length > MAX_CSR_CHARS) throw invalid(`it is ${csrPem.length} characters; a CSR is at most ${MAX_CSR_CHARS}`);
  if (!csrPem.includes("-----BEGIN CERTIFICATE REQUEST-----")) throw invalid('it has no "-----BEGIN CERTIFICATE REQUEST-----" PEM block');

  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (err) {
    throw invalid("it does not parse as PKCS#10", err);
  }
  const algorithm = csr.publicKey.algorithm as { name?: string; namedCurve?: string; modulusLength?: number };
  if (algorithm.name === "ECDSA") {
    if (!ACCEPTED_CURVES.has(algorithm.namedCurve ?? "")) throw invalid(`curve ${algorithm.namedCurve ?? "?"} is not accepted; use P-256 or P-384`);
  } else if (algorithm.name === "RSASSA-PKCS1-v1_5" || algorithm.name === "RSA-PSS") {
    if (algorithm.modulusLength !== undefined && algorithm.modulusLength < MIN_RSA_BITS) {
      throw invalid(`an RSA key of ${algorithm.modulusLength} bits is too small; use at least ${MIN_RSA_BITS}`);
    }
  } else {
    throw invalid(`key algorithm ${algorithm.name ?? "?"} is not accepted; use ECDSA P-256 or RSA 2048`);
  }
  let verified = false;
  try {
    verified = await csr.verify();
  } catch (err) {
    throw invalid("its signature cannot be checked", err);
  }
  if (!verified) throw invalid("its signature does not verify against its own public key");
  return csr.publicKey;
}
