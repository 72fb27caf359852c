import type { JsonObject, KubeObject } from "../../api-types.js";
import { forbidden, StatusError } from "../../http/status-error.js";
import { generateNameSuffix, isJsonObject } from "../object-meta.js";

/** Where every container finds its ServiceAccount's credentials (DefaultAPITokenMountPath). */
export const serviceAccountMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
/** The projected token volume's name prefix from 1.21 (ServiceAccountVolumeName). */
export const projectedTokenVolumePrefix = "kube-api-access-";
const tokenSecretType = "kubernetes.io/service-account-token";
const mirrorPodAnnotation = "kubernetes.io/config.mirror";
/** WarnOnlyBoundTokenExpirationSeconds: the token lives an hour and seven seconds. */
const boundTokenExpirationSeconds = 3607;

export interface ServiceAccountLookup {
  get(storageKey: string, namespace: string, name: string): KubeObject | undefined;
}

export interface ServiceAccountAdmissionOptions {
  minor: number;
  /**
   * Whether ServiceAccounts are looked up and their token mounted. The emulator turns this
   * off when the controllers that make ServiceAccounts, tokens and kube-root-ca.crt do not
   * run, where a real cluster would refuse every pod.
   */
  mount: boolean;
  /** How the pod is named in errors: its name, or its generateName (names are generated later upstream). */
  requestedName: string;
}

const asObject = (v: unknown): JsonObject => (isJsonObject(v) ? v : {});
const asObjects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.map(asObject) : []);

/**
 * The ServiceAccount admission plugin on pod create (plugin/pkg/admission/serviceaccount):
 * spec.serviceAccountName defaults to "default"; the ServiceAccount must exist (403 otherwise);
 * unless the pod or its ServiceAccount turns automountServiceAccountToken off, every
 * container mounts the credentials read-only at /var/run/secrets/kubernetes.io/serviceaccount:
 * before 1.21 the ServiceAccount's token Secret as a secret volume named after it (500
 * ServerTimeout while it has none yet), from 1.21 (BoundServiceAccountTokenVolume) a
 * projected `kube-api-access-<random>` volume of a bound token, kube-root-ca.crt's ca.crt
 * and the namespace.
 */
export function admitPodServiceAccount(pod: KubeObject, lookup: ServiceAccountLookup, options: ServiceAccountAdmissionOptions): KubeObject {
  // Mirror pods (static pods a kubelet reports) get no ServiceAccount.
  if (pod.metadata.annotations?.[mirrorPodAnnotation] !== undefined) return pod;
  const spec: JsonObject = { ...asObject(pod.spec) };
  const accountName = typeof spec.serviceAccountName === "string" && spec.serviceAccountName !== "" ? spec.serviceAccountName : "default";
  spec.serviceAccountName = accountName;
  // The v1 conversion keeps the deprecated alias equal to serviceAccountName.
  spec.serviceAccount = accountName;
  const admitted = { ...pod, spec };
  if (!options.mount) return admitted;

  const namespace = pod.metadata.namespace ?? "";
  const account = lookup.get("/serviceaccounts", namespace, accountName);
  if (!account) {
    throw forbidden("", "pods", options.requestedName, `error looking up service account ${namespace}/${accountName}: serviceaccount "${accountName}" not found`);
  }
  const automount = typeof spec.automountServiceAccountToken === "boolean" ? spec.automountServiceAccountToken : account.automountServiceAccountToken !== false;
  if (!automount) return admitted;
  mountToken(spec, account, lookup, options.minor);
  return admitted;
}

/** mountServiceAccountToken: the volume (unless one is there) and a mount in each container that lacks one at the path. */
function mountToken(spec: JsonObject, account: KubeObject, lookup: ServiceAccountLookup, minor: number): void {
  const volumes = asObjects(spec.volumes);
  const names = new Set(volumes.map((v) => String(v.name ?? "")));
  const bound = minor >= 21;
  const tokenSecret = bound ? undefined : referencedToken(account, lookup);
  if (!bound && !tokenSecret) {
    const message = `No API token found for service account "${account.metadata.name ?? ""}", retry after the token is automatically created and added to the service account`;
    throw new StatusError(500, "ServerTimeout", message, { name: "create pod", kind: "serviceaccounts", retryAfterSeconds: 1 });
  }
  const existing = volumes.find((v) => (bound ? String(v.name ?? "").startsWith(projectedTokenVolumePrefix) : asObject(v.secret).secretName === tokenSecret));
  let volumeName = existing ? String(existing.name ?? "") : "";
  if (!volumeName) {
    if (bound) volumeName = projectedTokenVolumePrefix + generateNameSuffix();
    else volumeName = names.has(tokenSecret!) ? `${tokenSecret}-${generateNameSuffix()}` : tokenSecret!;
  }
  const mount = { name: volumeName, readOnly: true, mountPath: serviceAccountMountPath };
  let needsVolume = false;
  for (const field of ["initContainers", "containers"]) {
    if (!Array.isArray(spec[field])) continue;
    spec[field] = asObjects(spec[field]).map((container) => {
      const mounts = asObjects(container.volumeMounts);
      if (mounts.some((m) => m.mountPath === serviceAccountMountPath)) return container;
      needsVolume = true;
      return { ...container, volumeMounts: [...mounts, mount] };
    });
  }
  if (!existing && needsVolume) spec.volumes = [...volumes, bound ? projectedTokenVolume(volumeName) : { name: volumeName, secret: { defaultMode: 0o644, secretName: tokenSecret! } }];
}

/** getReferencedServiceAccountToken: the first Secret the ServiceAccount lists that is a token of it. */
function referencedToken(account: KubeObject, lookup: ServiceAccountLookup): string | undefined {
  const namespace = account.metadata.namespace ?? "";
  for (const ref of asObjects(account.secrets)) {
    const secret = lookup.get("/secrets", namespace, String(ref.name ?? ""));
    if (!secret || secret.type !== tokenSecretType) continue;
    const annotations = secret.metadata.annotations ?? {};
    const uid = annotations["kubernetes.io/service-account.uid"];
    if (annotations["kubernetes.io/service-account.name"] === account.metadata.name && (!uid || uid === account.metadata.uid)) return secret.metadata.name;
  }
  return undefined;
}

function projectedTokenVolume(name: string): JsonObject {
  return {
    name,
    // Keys in the order the pod defaults give them, so a later write does not reorder them.
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: boundTokenExpirationSeconds, path: "token" } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
      ],
    },
  };
}
