/**
 * The names the snapshot machinery shares with the external-snapshotter
 * (kubernetes-csi/external-snapshotter, snapshot.storage.k8s.io/v1): its API group, the
 * storage keys its custom resources live under, and its annotations.
 */

export const snapshotGroup = "snapshot.storage.k8s.io";
export const snapshotVersion = "v1";
export const snapshotApiVersion = `${snapshotGroup}/${snapshotVersion}`;

export const snapshotsKey = `${snapshotGroup}/volumesnapshots`;
export const snapshotContentsKey = `${snapshotGroup}/volumesnapshotcontents`;
export const snapshotClassesKey = `${snapshotGroup}/volumesnapshotclasses`;

export const annDefaultSnapshotClass = "snapshot.storage.kubernetes.io/is-default-class";

/** The first persona whose clusters ship the GA (v1) snapshot API. */
export const firstSnapshotMinor = 20;

/** The default class, of the emulator's own CSI driver. */
export const hostpathSnapshotClassName = "csi-hostpath-snapclass";
