import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../api-types.js";
import { checkVolumeSatisfyClaim, claimClass, claimHasClass, findBestMatchForClaim, findMatchingVolume, isVolumeBoundToClaim } from "./claim-matching.js";

function claim(name: string, spec: JsonObject = {}, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: "ns", uid: `uid-${name}`, ...(annotations ? { annotations } : {}) },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, storageClassName: "manual", volumeMode: "Filesystem", ...spec },
  };
}

function volume(name: string, spec: JsonObject = {}, extra: { phase?: string; labels?: Record<string, string>; deleting?: boolean } = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}), ...(extra.deleting ? { deletionTimestamp: "2024-01-01T00:00:00Z" } : {}) },
    spec: { accessModes: ["ReadWriteOnce"], capacity: { storage: "1Gi" }, storageClassName: "manual", volumeMode: "Filesystem", ...spec },
    status: { phase: extra.phase ?? "Available" },
  };
}

const names = (v: KubeObject | undefined) => v?.metadata.name;

describe("claim to volume matching (FindMatchingVolume / findBestMatchForClaim)", () => {
  it("takes the smallest Available volume whose capacity covers the request, comparing quantities across suffixes", () => {
    const c = claim("data", { resources: { requests: { storage: "1500M" } } });
    const vols = [volume("huge", { capacity: { storage: "10Gi" } }), volume("tiny", { capacity: { storage: "1Gi" } }), volume("fits", { capacity: { storage: "1.5Gi" } }), volume("exact", { capacity: { storage: "1500000k" } })];
    expect(names(findBestMatchForClaim(c, vols, false))).toBe("exact");
    expect(names(findBestMatchForClaim(c, vols.filter((v) => v.metadata.name !== "exact"), false))).toBe("fits");
  });

  it("skips volumes of another class, another volume mode, not Available, being deleted, or not matching the selector", () => {
    const c = claim("data", { selector: { matchLabels: { tier: "gold" } } });
    const gold = { labels: { tier: "gold" } };
    expect(findBestMatchForClaim(c, [volume("other-class", { storageClassName: "fast" }, gold)], false)).toBeUndefined();
    expect(findBestMatchForClaim(c, [volume("block", { volumeMode: "Block" }, gold)], false)).toBeUndefined();
    expect(findBestMatchForClaim(c, [volume("pending", {}, { ...gold, phase: "Pending" })], false)).toBeUndefined();
    expect(findBestMatchForClaim(c, [volume("released", {}, { ...gold, phase: "Released" })], false)).toBeUndefined();
    expect(findBestMatchForClaim(c, [volume("going", {}, { ...gold, deleting: true })], false)).toBeUndefined();
    expect(findBestMatchForClaim(c, [volume("silver", {}, { labels: { tier: "silver" } })], false)).toBeUndefined();
    expect(names(findBestMatchForClaim(c, [volume("right", {}, gold)], false))).toBe("right");
  });

  it('matches "" only with "": a claim without class never takes a volume of a class, and the other way round', () => {
    const classless = claim("data", { storageClassName: "" });
    expect(findBestMatchForClaim(classless, [volume("manual")], false)).toBeUndefined();
    expect(names(findBestMatchForClaim(classless, [volume("none", { storageClassName: "" })], false))).toBe("none");
    expect(names(findBestMatchForClaim(classless, [volume("unset", { storageClassName: undefined as never })], false))).toBe("unset");
    expect(findBestMatchForClaim(claim("data"), [volume("none", { storageClassName: "" })], false)).toBeUndefined();
  });

  it("honours the beta storage-class annotation ahead of spec.storageClassName on both sides", () => {
    const c = claim("data", { storageClassName: "manual" }, { "volume.beta.kubernetes.io/storage-class": "legacy" });
    expect(claimClass(c)).toBe("legacy");
    const legacy = volume("legacy", { storageClassName: "manual" });
    legacy.metadata.annotations = { "volume.beta.kubernetes.io/storage-class": "legacy" };
    expect(names(findBestMatchForClaim(c, [volume("manual"), legacy], false))).toBe("legacy");
  });

  it("prefers the volume with the fewest access modes that still offers every requested one, even over a smaller one", () => {
    const c = claim("data", { accessModes: ["ReadWriteOnce"] });
    const wide = volume("wide-small", { accessModes: ["ReadWriteOnce", "ReadOnlyMany"], capacity: { storage: "1Gi" } });
    const narrow = volume("narrow-big", { accessModes: ["ReadWriteOnce"], capacity: { storage: "5Gi" } });
    const readOnly = volume("read-only", { accessModes: ["ReadOnlyMany"], capacity: { storage: "1Gi" } });
    expect(names(findBestMatchForClaim(c, [wide, narrow, readOnly], false))).toBe("narrow-big");
    expect(names(findBestMatchForClaim(c, [wide, readOnly], false))).toBe("wide-small");
    expect(findBestMatchForClaim(claim("rwx", { accessModes: ["ReadWriteMany"] }), [wide, narrow, readOnly], false)).toBeUndefined();
  });

  it("returns a volume pre-bound to the claim (by name, with or without uid) ahead of any better fit, whatever its class", () => {
    const c = claim("data");
    const reserved = volume("reserved", { claimRef: { namespace: "ns", name: "data" }, capacity: { storage: "100Gi" }, storageClassName: "other" }, { phase: "Available" });
    expect(names(findBestMatchForClaim(c, [volume("better"), reserved], false))).toBe("reserved");
    const byUid = volume("by-uid", { claimRef: { namespace: "ns", name: "data", uid: "uid-data" } }, { phase: "Pending" });
    expect(names(findBestMatchForClaim(c, [byUid], false))).toBe("by-uid");
  });

  it("treats a claimRef with another uid as another claim's volume, even when the name matches (a restored PV's stale claimRef)", () => {
    const c = claim("data");
    const stale = volume("stale", { claimRef: { namespace: "ns", name: "data", uid: "uid-from-another-cluster" } }, { phase: "Released" });
    expect(isVolumeBoundToClaim(stale, c)).toBe(false);
    expect(findBestMatchForClaim(c, [stale], false)).toBeUndefined();
    expect(findBestMatchForClaim(c, [volume("theirs", { claimRef: { namespace: "other", name: "data" } })], false)).toBeUndefined();
  });

  it("passes a pre-bound volume that is too small and goes on looking", () => {
    const c = claim("data", { resources: { requests: { storage: "2Gi" } } });
    const small = volume("small", { claimRef: { namespace: "ns", name: "data" }, capacity: { storage: "1Gi" } });
    expect(names(findBestMatchForClaim(c, [small, volume("big", { capacity: { storage: "2Gi" } })], false))).toBe("big");
  });

  it("leaves unbound volumes to the scheduler for a WaitForFirstConsumer claim but still returns a pre-bound one", () => {
    const c = claim("data");
    expect(findBestMatchForClaim(c, [volume("free")], true)).toBeUndefined();
    expect(names(findBestMatchForClaim(c, [volume("free"), volume("mine", { claimRef: { namespace: "ns", name: "data" } })], true))).toBe("mine");
  });

  it("on the scheduler's path checks node affinity and access modes itself", () => {
    const c = claim("data", { accessModes: ["ReadWriteMany"] });
    const here = volume("here", { accessModes: ["ReadWriteMany"] });
    const there = volume("there", { accessModes: ["ReadWriteMany"], capacity: { storage: "1Gi" } });
    const nodeAffinityOk = (v: KubeObject) => v.metadata.name === "here";
    expect(names(findMatchingVolume(c, [there, here], { delayBinding: true, nodeAffinityOk }))).toBe("here");
    expect(findMatchingVolume(c, [volume("rwo")], { delayBinding: true, nodeAffinityOk: () => true })).toBeUndefined();
    expect(findMatchingVolume(c, [here], { delayBinding: true, nodeAffinityOk, excluded: new Set(["here"]) })).toBeUndefined();
    const mineElsewhere = volume("mine", { claimRef: { namespace: "ns", name: "data" } });
    expect(findMatchingVolume(c, [mineElsewhere, here], { delayBinding: true, nodeAffinityOk })).toBeUndefined();
  });

  it("tells why a volume named by spec.volumeName cannot serve the claim (checkVolumeSatisfyClaim)", () => {
    const c = claim("data", { resources: { requests: { storage: "2Gi" } } });
    expect(checkVolumeSatisfyClaim(volume("v", { capacity: { storage: "1Gi" } }), c)).toBe("requested PV is too small");
    expect(checkVolumeSatisfyClaim(volume("v", { capacity: { storage: "2Gi" }, storageClassName: "fast" }), c)).toBe("storageClassName does not match");
    expect(checkVolumeSatisfyClaim(volume("v", { capacity: { storage: "2Gi" }, volumeMode: "Block" }), c)).toBe("incompatible volumeMode");
    expect(checkVolumeSatisfyClaim(volume("v", { capacity: { storage: "2Gi" }, accessModes: ["ReadOnlyMany"] }), c)).toBe("incompatible accessMode");
    expect(checkVolumeSatisfyClaim(volume("v", { capacity: { storage: "2Gi" } }, { deleting: true }), c)).toBe('the volume is marked for deletion "v"');
    expect(checkVolumeSatisfyClaim(volume("v", { capacity: { storage: "3Gi" } }), c)).toBeUndefined();
  });

  it('knows a claim that set storageClassName "" has a class, unlike one that set none', () => {
    expect(claimHasClass(claim("a", { storageClassName: "" }))).toBe(true);
    expect(claimHasClass(claim("b", { storageClassName: undefined as never }))).toBe(false);
    expect(claimHasClass(claim("c", { storageClassName: undefined as never }, { "volume.beta.kubernetes.io/storage-class": "" }))).toBe(true);
  });
});
