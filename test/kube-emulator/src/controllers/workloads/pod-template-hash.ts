import type { JsonObject, JsonValue } from "../../api-types.js";

/** apps.DefaultDeploymentUniqueLabelKey: the label that ties a Deployment's ReplicaSet and pods to one template. */
export const podTemplateHashLabel = "pod-template-hash";

// k8s.io/apimachinery/pkg/util/rand: consonants and digits only, so hashes never spell words.
const alphanums = "bcdfghjklmnpqrstvwxz2456789";

/** rand.SafeEncodeString: each character mapped into the alphabet by its code point. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (const ch of s) out += alphanums[ch.codePointAt(0)! % alphanums.length];
  return out;
}

/** FNV-1a, 32 bits (hash/fnv.New32a), over bytes. */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/**
 * A pod template with what cannot matter to equality dropped: null values and empty lists
 * and maps (a Go nil and an empty value are semantically equal, and JSON round trips lose
 * the difference), keys sorted.
 */
export function canonicalTemplate(value: JsonValue): JsonValue | undefined {
  if (value === null) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(canonicalTemplate).map((v) => (v === undefined ? null : v));
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === "object") {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) {
      const v = canonicalTemplate(value[key]!);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/**
 * controller.ComputeHash: FNV-32a of the template, then of collisionCount as 8 little-endian
 * bytes when set, printed in decimal and passed through SafeEncodeString (so "web-7d9f8c6b5d").
 * Upstream hashes go-spew's dump of the Go struct; we hash the canonical JSON instead, so the
 * value for a given template differs from a real cluster's, but it has the same shape and the
 * same properties: stable for a template, changed by any change to it or to collisionCount.
 */
export function computePodTemplateHash(template: JsonValue, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(JSON.stringify(canonicalTemplate(template) ?? {})));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

/** deploymentutil.EqualIgnoreHash: templates semantically equal once the pod-template-hash label is left out. */
export function equalIgnoreHash(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return comparable(a) === comparable(b);
}

/** Stored objects are never changed in place, so a template's canonical form can be kept by identity. */
const comparableForms = new WeakMap<object, string>();

function comparable(template: JsonValue | undefined): string {
  if (typeof template !== "object" || template === null) return JSON.stringify(canonicalTemplate(template ?? null) ?? null);
  let form = comparableForms.get(template);
  if (form === undefined) {
    form = JSON.stringify(canonicalTemplate(withoutHashLabel(template)) ?? null);
    comparableForms.set(template, form);
  }
  return form;
}

/** A copy of a template without the pod-template-hash label (deploymentutil.SetFromReplicaSetTemplate). */
export function withoutHashLabel(template: JsonValue | undefined): JsonValue {
  if (typeof template !== "object" || template === null || Array.isArray(template)) return template ?? null;
  const meta = template.metadata;
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return template;
  const labels = meta.labels;
  if (typeof labels !== "object" || labels === null || Array.isArray(labels) || !(podTemplateHashLabel in labels)) return template;
  const { [podTemplateHashLabel]: _hash, ...rest } = labels;
  return { ...template, metadata: { ...meta, labels: rest } };
}
