import type { GroupVersion, KubeObject } from "../api-types.js";

/**
 * Converts between one served version and the hub (storage) version of a kind. Both
 * functions receive a private deep copy they may mutate and return; `apiVersion` and
 * `kind` are rewritten by the caller afterwards.
 */
export interface Spoke {
  toHub(obj: KubeObject): KubeObject;
  fromHub(obj: KubeObject): KubeObject;
}

/**
 * All served versions of one stored kind, converted hub-and-spoke through the version
 * it is stored in (as upstream converts through its internal version). Versions in the
 * hub's group without a spoke share the hub's schema and convert by renaming apiVersion.
 */
export interface ConversionFamily {
  /** The persona storage key, e.g. "networking.k8s.io/ingresses". */
  storageKey: string;
  kind: string;
  hub: GroupVersion;
  /** Keyed by apiVersion ("extensions/v1beta1", "v1" for core). */
  spokes: Record<string, Spoke>;
}

/** A spoke whose schema equals the hub's. */
export const identity: Spoke = { toHub: (o) => o, fromHub: (o) => o };
