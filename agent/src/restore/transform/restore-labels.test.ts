import { describe, expect, it } from "vitest";
import { BACKUP_LABEL, RESTORE_LABEL, type KubeObject } from "../types.js";
import { addRestoreLabels } from "./restore-labels.js";

describe("addRestoreLabels", () => {
  it.each<[string, KubeObject["metadata"], Record<string, string>]>([
    ["an object without labels", { name: "a" }, { [RESTORE_LABEL]: "r-1", [BACKUP_LABEL]: "b-1" }],
    ["an object with labels, keeping them", { name: "a", labels: { app: "web" } }, { app: "web", [RESTORE_LABEL]: "r-1", [BACKUP_LABEL]: "b-1" }],
    ["an object restored before by another restore", { name: "a", labels: { [RESTORE_LABEL]: "r-0", [BACKUP_LABEL]: "b-0" } }, { [RESTORE_LABEL]: "r-1", [BACKUP_LABEL]: "b-1" }],
  ])("labels %s", (_, metadata, expected) => {
    const draft: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: structuredClone(metadata) };
    addRestoreLabels(draft, "r-1", "b-1");
    expect(draft.metadata.labels).toEqual(expected);
  });
});
