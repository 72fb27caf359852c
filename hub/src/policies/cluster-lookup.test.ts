import { describe, expect, it } from "vitest";
import { resolvePolicyClusters, type ClusterLookup } from "./cluster-lookup.js";

const lookup: ClusterLookup = {
  idOfName: async (name) => ({ "prod-eu": "c-1", edge: "c-3" })[name],
  idsMatching: async (selector) => (selector === "env=prod" ? ["c-1", "c-2"] : []),
};

describe("resolvePolicyClusters", () => {
  it("unites the selector's matches and the named clusters, each once", async () => {
    expect(await resolvePolicyClusters(lookup, { clusterSelector: "env=prod", clusterNames: ["prod-eu", "edge"] })).toEqual(["c-1", "c-2", "c-3"]);
  });

  it("reads an empty selector as no selection, not every cluster", async () => {
    expect(await resolvePolicyClusters(lookup, { clusterSelector: "", clusterNames: ["edge"] })).toEqual(["c-3"]);
  });

  it("skips a named cluster deleted since the policy was made", async () => {
    expect(await resolvePolicyClusters(lookup, { clusterSelector: "", clusterNames: ["gone", "edge"] })).toEqual(["c-3"]);
  });
});
