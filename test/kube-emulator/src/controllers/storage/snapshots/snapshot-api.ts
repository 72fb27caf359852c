import type { KubeObject } from "../../../api-types.js";
import { newUid, now } from "../../../api/object-meta.js";
import type { ObjectService } from "../../../api/object-service.js";
import { crdCleanupFinalizer } from "../../../api/strategies.js";
import { resourcesOfCrd } from "../../crd-registrar.js";
import { csiDrivers, hostpathDriver } from "../storage-names.js";
import { annDefaultSnapshotClass, hostpathSnapshotClassName, snapshotApiVersion, snapshotClassesKey, snapshotGroup, snapshotVersion } from "./snapshot-names.js";

const crdKey = "apiextensions.k8s.io/customresourcedefinitions";

interface CrdNames {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  /** VolumeSnapshotClass has no status, so no status subresource. */
  status: boolean;
}

const crdNames: CrdNames[] = [
  { kind: "VolumeSnapshotClass", plural: "volumesnapshotclasses", singular: "volumesnapshotclass", shortNames: ["vsclass", "vsclasses"], namespaced: false, status: false },
  { kind: "VolumeSnapshot", plural: "volumesnapshots", singular: "volumesnapshot", shortNames: ["vs"], namespaced: true, status: true },
  { kind: "VolumeSnapshotContent", plural: "volumesnapshotcontents", singular: "volumesnapshotcontent", shortNames: ["vsc", "vscs"], namespaced: false, status: true },
];

/**
 * The three CRDs of client/config/crd in external-snapshotter, v1 served and stored, as an
 * API server holds them once established. Their schemas are left open: the emulator does
 * not enforce CRD schemas.
 */
export function snapshotCrds(): KubeObject[] {
  const at = now();
  return crdNames.map((n) => {
    const names = { kind: n.kind, listKind: `${n.kind}List`, plural: n.plural, singular: n.singular, shortNames: n.shortNames };
    return {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: {
        name: `${n.plural}.${snapshotGroup}`,
        uid: newUid(),
        creationTimestamp: at,
        generation: 1,
        annotations: { "api-approved.kubernetes.io": "https://github.com/kubernetes-csi/external-snapshotter/pull/814" },
        finalizers: [crdCleanupFinalizer],
      },
      spec: {
        group: snapshotGroup,
        names,
        scope: n.namespaced ? "Namespaced" : "Cluster",
        conversion: { strategy: "None" },
        versions: [
          {
            name: snapshotVersion,
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
            ...(n.status ? { subresources: { status: {} } } : {}),
          },
        ],
      },
      status: {
        conditions: [
          { type: "NamesAccepted", status: "True", lastTransitionTime: at, reason: "NoConflicts", message: "no conflicts found" },
          { type: "Established", status: "True", lastTransitionTime: at, reason: "InitialNamesAccepted", message: "the initial names have been accepted" },
        ],
        acceptedNames: names,
        storedVersions: [snapshotVersion],
      },
    };
  });
}

/** "<short>-snapclass" for a cloud driver: the first label of its name ("ebs.csi.aws.com" → "ebs-snapclass"). */
export function snapshotClassNameFor(driver: string): string {
  return driver === hostpathDriver ? hostpathSnapshotClassName : `${driver.split(".")[0]}-snapclass`;
}

/** One VolumeSnapshotClass per CSI driver the emulator plays; the hostpath driver's is the default. */
export function snapshotClasses(): KubeObject[] {
  return [...csiDrivers].map((driver) => {
    const metadata: KubeObject["metadata"] = { name: snapshotClassNameFor(driver), uid: newUid(), creationTimestamp: now(), generation: 1 };
    if (driver === hostpathDriver) metadata.annotations = { [annDefaultSnapshotClass]: "true" };
    return { apiVersion: snapshotApiVersion, kind: "VolumeSnapshotClass", metadata, driver, deletionPolicy: "Delete" } as KubeObject;
  });
}

/**
 * Installs the snapshot API as a cluster's snapshot add-on does: the CRDs, served at once
 * (so the API works whether or not the CRD registrar runs), and the classes.
 */
export function seedSnapshotApi(service: ObjectService): void {
  const { store, registry } = service;
  for (const crd of snapshotCrds()) {
    store.create(crdKey, crd);
    registry.setCustomResources(crd.metadata.name ?? "", resourcesOfCrd(crd));
  }
  for (const snapshotClass of snapshotClasses()) store.create(snapshotClassesKey, snapshotClass);
}
