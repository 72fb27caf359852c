import { asRecord, isCore, type SanitizeRule } from "../sanitize-rule.js";

type Json = Record<string, unknown>;

const TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
const INJECTED_NAME = /^(kube-api-access|default-token)-[a-z0-9]+$/;

/**
 * The service-account token volume was injected by the source's admission: a projected
 * kube-api-access-* volume (1.21+), or before that a Secret volume of the account's token Secret
 * (default-token-*, <account>-token-*) mounted at the service-account path. Its token is the
 * source's and token Secrets are not restored, so the volume and its mounts go and the target's
 * admission injects its own.
 */
export const dropPodTokenVolume: SanitizeRule = {
  name: "drops a Pod's injected service-account token volume and its mounts",
  apply(object) {
    const spec = asRecord(object.spec);
    if (!isCore(object, "Pod") || !spec || !Array.isArray(spec.volumes)) return;
    const containers = ["initContainers", "containers", "ephemeralContainers"].flatMap((field) => records(spec[field]));
    const atTokenPath = new Set(containers.flatMap((c) => records(c.volumeMounts)).filter((m) => m.mountPath === TOKEN_MOUNT_PATH).map((m) => m.name));
    const isInjected = (volume: Json) => typeof volume.name === "string" && (INJECTED_NAME.test(volume.name) || (volume.secret !== undefined && atTokenPath.has(volume.name)));
    const injected = new Set(records(spec.volumes).filter(isInjected).map((v) => v.name));
    if (injected.size === 0) return;
    setOrDelete(spec, "volumes", records(spec.volumes).filter((v) => !injected.has(v.name)));
    for (const container of containers) {
      if (Array.isArray(container.volumeMounts)) setOrDelete(container, "volumeMounts", records(container.volumeMounts).filter((m) => !injected.has(m.name)));
    }
  },
};

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(asRecord).filter((r): r is Json => r !== undefined) : [];
}

function setOrDelete(parent: Json, field: string, list: Json[]): void {
  if (list.length > 0) parent[field] = list;
  else delete parent[field];
}
