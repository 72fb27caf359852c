import { describe, expect, it } from "vitest";
import type { JsonObject } from "../api-types.js";
import { applyServerSideApply } from "./apply-patch.js";

const DEPLOYMENT = { group: "apps", kind: "Deployment" };

const live: JsonObject = {
  metadata: { name: "web", labels: { app: "web", owner: "ops" } },
  spec: {
    replicas: 3,
    template: { spec: { containers: [{ name: "a", image: "a:1", env: [{ name: "X", value: "1" }] }, { name: "sidecar" }] } },
  },
};

describe("applyServerSideApply", () => {
  it("creates from the applied configuration when nothing is live", () => {
    const applied = { metadata: { name: "web" }, spec: { replicas: 1 } };
    expect(applyServerSideApply(undefined, applied, DEPLOYMENT)).toEqual(applied);
  });

  it("lets applied fields win and removes nothing", () => {
    const applied = {
      metadata: { name: "web", labels: { app: "web2" } },
      spec: { template: { spec: { containers: [{ name: "a", image: "a:2" }] } } },
    };
    expect(applyServerSideApply(live, applied, DEPLOYMENT)).toEqual({
      metadata: { name: "web", labels: { app: "web2", owner: "ops" } },
      spec: {
        replicas: 3,
        template: { spec: { containers: [{ name: "a", image: "a:2", env: [{ name: "X", value: "1" }] }, { name: "sidecar" }] } },
      },
    });
  });

  it("ignores nulls and patch directives in the applied configuration", () => {
    const applied = {
      metadata: { labels: { owner: null } },
      spec: { replicas: null, template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } },
    } as unknown as JsonObject;
    const out = applyServerSideApply(live, applied, DEPLOYMENT);
    expect(out).toEqual(live);
  });

  it("rejects a body that is not an object", () => {
    expect(() => applyServerSideApply(live, ["x"], DEPLOYMENT)).toThrow(
      expect.objectContaining({ code: 400, reason: "BadRequest" }),
    );
  });

  it("mutates neither input", () => {
    const before = structuredClone(live);
    const applied = { spec: { replicas: 5 } };
    const out = applyServerSideApply(live, applied, DEPLOYMENT);
    (out.metadata as JsonObject).name = "changed";
    expect(live).toEqual(before);
    expect(applied).toEqual({ spec: { replicas: 5 } });
  });
});
