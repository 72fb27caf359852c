// Kubernetes name rules (k8s.io/apimachinery/pkg/util/validation): checked before a restore is
// queued so a bad mapping fails at once rather than per item on the target's API server.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A namespace name: lower-case alphanumerics and '-', starting and ending alphanumeric, ≤ 63 chars. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

/** An object name such as a storage class: DNS-1123 labels joined by '.', ≤ 253 chars. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

/** A CSI driver name: a DNS-1123 subdomain of at most 63 characters (CSI spec, GetPluginInfo). */
export function isCsiDriverName(name: string): boolean {
  return name.length <= 63 && DNS1123_SUBDOMAIN.test(name);
}
