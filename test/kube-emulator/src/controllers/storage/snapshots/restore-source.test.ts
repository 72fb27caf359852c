import { describe, expect, it } from "vitest";
import type { JsonObject, KubeObject } from "../../../api-types.js";
import { resolveRestoreSource, snapshotNameOf, type SnapshotLookup } from "./restore-source.js";

const group = "snapshot.storage.k8s.io";
const claim = (spec: JsonObject): KubeObject => ({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "restored", namespace: "ns" }, spec: { resources: { requests: { storage: "1Gi" } }, ...spec } });
const from = (name: string, size = "1Gi") => claim({ dataSource: { apiGroup: group, kind: "VolumeSnapshot", name }, resources: { requests: { storage: size } } });
const snapshot = (name: string, status: JsonObject): KubeObject => ({ apiVersion: `${group}/v1`, kind: "VolumeSnapshot", metadata: { name, namespace: "ns", uid: `uid-${name}` }, status });
const content = (name: string, snapshotUid: string, status: JsonObject): KubeObject => ({
  apiVersion: `${group}/v1`,
  kind: "VolumeSnapshotContent",
  metadata: { name },
  spec: { volumeSnapshotRef: { uid: snapshotUid } },
  status,
});

const objects: Record<string, KubeObject> = {
  [`${group}/volumesnapshots|ns|ready`]: snapshot("ready", { readyToUse: true, boundVolumeSnapshotContentName: "c-ready" }),
  [`${group}/volumesnapshots|ns|unready`]: snapshot("unready", { readyToUse: false }),
  [`${group}/volumesnapshotcontents||c-ready`]: content("c-ready", "uid-ready", { readyToUse: true, restoreSize: 1073741824, snapshotHandle: "h-1" }),
};
const lookup: SnapshotLookup = { get: (key, ns, name) => objects[`${key}|${ns}|${name}`] };
const prefix = (name: string) => `error getting handle for DataSource Type VolumeSnapshot by Name ${name}`;

describe("a claim's snapshot data source (getSnapshotSource)", () => {
  it("reads VolumeSnapshot data sources only, dataSourceRef first", () => {
    expect(snapshotNameOf(claim({}))).toBeUndefined();
    expect(snapshotNameOf(claim({ dataSource: { kind: "PersistentVolumeClaim", name: "other" } }))).toBeUndefined();
    expect(snapshotNameOf(claim({ dataSource: { apiGroup: group, kind: "VolumeSnapshot", name: "a" }, dataSourceRef: { apiGroup: group, kind: "VolumeSnapshot", name: "b" } }))).toBe("b");
    expect(resolveRestoreSource(claim({}), lookup)).toEqual({ kind: "none" });
  });

  it("restores a ready snapshot into a claim at least its size", () => {
    expect(resolveRestoreSource(from("ready"), lookup)).toEqual({ kind: "snapshot", name: "ready", snapshotHandle: "h-1" });
    expect(resolveRestoreSource(from("ready", "2Gi"), lookup)).toMatchObject({ kind: "snapshot" });
    expect(resolveRestoreSource(from("ready", "1G"), lookup)).toEqual({ kind: "failed", message: "requested volume size 1000000000 is less than the size 1073741824 for the source snapshot ready" });
  });

  it("waits for a snapshot that is not ready and fails on a missing one", () => {
    expect(resolveRestoreSource(from("unready"), lookup)).toEqual({ kind: "waiting", message: `${prefix("unready")}: snapshot unready is not Ready` });
    expect(resolveRestoreSource(from("nope"), lookup)).toEqual({
      kind: "failed",
      message: `${prefix("nope")}: error getting snapshot nope from api server: volumesnapshots.snapshot.storage.k8s.io "nope" not found`,
    });
  });
});
