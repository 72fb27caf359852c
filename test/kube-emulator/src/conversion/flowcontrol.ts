import type { ConversionFamily, Spoke } from "./types.js";
import { asObject, renameKey } from "./util.js";

/**
 * PriorityLevelConfiguration flowcontrol.apiserver.k8s.io/v1beta1 and v1beta2 <-> v1:
 * spec.limited.assuredConcurrencyShares was renamed nominalConcurrencyShares in v1beta3.
 * FlowSchema, and PriorityLevelConfiguration v1beta3, share v1's schema.
 *
 * Not emulated: the annotation v1beta3 uses to tell an explicit zero share from an unset
 * one, and the per-version defaulting of a zero share.
 */
const renamedShares: Spoke = {
  toHub(obj) {
    const limited = asObject(asObject(obj.spec)?.limited);
    if (limited) renameKey(limited, "assuredConcurrencyShares", "nominalConcurrencyShares");
    return obj;
  },
  fromHub(obj) {
    const limited = asObject(asObject(obj.spec)?.limited);
    if (limited) renameKey(limited, "nominalConcurrencyShares", "assuredConcurrencyShares");
    return obj;
  },
};

export const flowControlFamilies: ConversionFamily[] = [
  {
    storageKey: "flowcontrol.apiserver.k8s.io/prioritylevelconfigurations",
    kind: "PriorityLevelConfiguration",
    hub: { group: "flowcontrol.apiserver.k8s.io", version: "v1" },
    spokes: { "flowcontrol.apiserver.k8s.io/v1beta1": renamedShares, "flowcontrol.apiserver.k8s.io/v1beta2": renamedShares },
  },
];
