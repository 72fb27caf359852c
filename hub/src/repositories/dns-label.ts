import { LifeboatError } from "@lifeboat/shared";

// RFC 1123 label, as Kubernetes names namespaces: it also keeps names safe inside Redis keys.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Checks a repository or policy name; INVALID_ARGUMENT naming `field` when it is not a DNS label. */
export function checkDnsLabel(field: string, value: string): string {
  if (value === "") throw new LifeboatError("INVALID_ARGUMENT", `${field} is required`, { field });
  if (!DNS_LABEL.test(value)) {
    throw new LifeboatError(
      "INVALID_ARGUMENT",
      `${field} ${JSON.stringify(value)} is invalid: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`,
      { field, value },
    );
  }
  return value;
}
