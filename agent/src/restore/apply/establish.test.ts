import { describe, expect, it } from "vitest";
import type { ItemResult, KubeObject } from "../types.js";
import type { ApiWriter, ObjectRef } from "./api-writer.js";
import { waitForEstablished } from "./establish.js";
import { plannedItem } from "./planned-item.test-support.js";

/** CRDs whose Established condition turns True after `pollsUntilEstablished` reads (never when absent). */
function crdReader(pollsUntilEstablished: Record<string, number | undefined>): Pick<ApiWriter, "get"> & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async get(ref: ObjectRef): Promise<KubeObject | undefined> {
      reads.push(ref.name);
      const polls = pollsUntilEstablished[ref.name];
      const established = polls !== undefined && reads.filter((n) => n === ref.name).length >= polls;
      const conditions = [{ type: "Established", status: established ? "True" : "False", message: established ? "" : "not all names are accepted" }];
      return { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: ref.name }, status: { conditions } };
    },
  };
}

const crd = (name: string, outcome: ItemResult["outcome"] = "created", message?: string): ItemResult => ({
  item: plannedItem("customresourcedefinitions", name, { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition" }),
  outcome,
  message,
});

describe("waitForEstablished", () => {
  it("waits until each restored CRD is Established, and finds nothing unusable", async () => {
    const reader = crdReader({ "a.example.com": 1, "b.example.com": 3 });
    const unusable = await waitForEstablished(reader, [crd("a.example.com"), crd("b.example.com", "skipped")], { timeoutMs: 5000, pollMs: 1 });
    expect(unusable.size).toBe(0);
    expect(reader.reads.filter((n) => n === "b.example.com")).toHaveLength(3);
  });

  it("names a CRD that does not establish in time, with its condition's message", async () => {
    const reader = crdReader({ "a.example.com": 1 });
    const unusable = await waitForEstablished(reader, [crd("a.example.com"), crd("never.example.com")], { timeoutMs: 30, pollMs: 5 });
    expect([...unusable]).toEqual([["never.example.com", "its CustomResourceDefinition never.example.com was not Established within 0.03 s: not all names are accepted"]]);
  });

  it("names a CRD that failed without polling it", async () => {
    const reader = crdReader({});
    const unusable = await waitForEstablished(reader, [crd("bad.example.com", "failed", "the API server answered 422: invalid")], { timeoutMs: 30 });
    expect(unusable.get("bad.example.com")).toBe("its CustomResourceDefinition bad.example.com was not restored: the API server answered 422: invalid");
    expect(reader.reads).toEqual([]);
  });
});
