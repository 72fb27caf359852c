import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api-types.js";
import { convertObject, DEPRECATED_ROLLBACK_TO, DEPRECATED_TEMPLATE_GENERATION } from "./index.js";

const appsV1 = (kind: string) => ({ group: "apps", version: "v1", kind });
const target = (apiVersion: string, kind: string) => {
  const [group = "", version = ""] = apiVersion.split("/");
  return { group, version, kind };
};

const template = {
  metadata: { labels: { app: "web" } },
  spec: { containers: [{ name: "web", image: "nginx:1.25" }] },
};

describe("Deployment conversion", () => {
  const extensionsDeployment: KubeObject = {
    apiVersion: "extensions/v1beta1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default" },
    spec: { replicas: 3, template, rollbackTo: { revision: 2 } },
    status: { observedGeneration: 1, replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 },
  };

  it("applies extensions/v1beta1 defaults and keeps rollbackTo in an annotation", () => {
    const v1 = convertObject(extensionsDeployment, appsV1("Deployment"));
    expect(v1).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "default", labels: { app: "web" }, annotations: { [DEPRECATED_ROLLBACK_TO]: "2" } },
      spec: {
        replicas: 3,
        template,
        selector: { matchLabels: { app: "web" } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
        revisionHistoryLimit: 2147483647,
        progressDeadlineSeconds: 2147483647,
      },
      status: extensionsDeployment.status,
    });
  });

  it("round-trips extensions/v1beta1 modulo its defaults", () => {
    const back = convertObject(convertObject(extensionsDeployment, appsV1("Deployment")), target("extensions/v1beta1", "Deployment"));
    expect(back.metadata).toEqual({ name: "web", namespace: "default", labels: { app: "web" } });
    expect(back.spec).toMatchObject({ replicas: 3, template, rollbackTo: { revision: 2 }, selector: { matchLabels: { app: "web" } } });
  });

  it("applies apps/v1beta1 defaults", () => {
    const obj: KubeObject = { apiVersion: "apps/v1beta1", kind: "Deployment", metadata: { name: "web", labels: { tier: "front" } }, spec: { template } };
    const v1 = convertObject(obj, appsV1("Deployment"));
    expect(v1.metadata).toEqual({ name: "web", labels: { tier: "front" } });
    expect(v1.spec).toEqual({
      template,
      selector: { matchLabels: { app: "web" } },
      replicas: 1,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 2,
      progressDeadlineSeconds: 600,
    });
  });

  it("keeps an explicit selector and strategy", () => {
    const obj: KubeObject = {
      apiVersion: "extensions/v1beta1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { selector: { matchLabels: { app: "web", track: "stable" } }, strategy: { type: "Recreate" }, revisionHistoryLimit: 5, progressDeadlineSeconds: 120, template },
    };
    const v1 = convertObject(obj, appsV1("Deployment"));
    expect(v1.spec).toMatchObject({ selector: { matchLabels: { app: "web", track: "stable" } }, strategy: { type: "Recreate" }, revisionHistoryLimit: 5, progressDeadlineSeconds: 120 });
    expect((v1.spec as any).strategy.rollingUpdate).toBeUndefined();
  });

  it("apps/v1 without the annotation has no rollbackTo in extensions", () => {
    const v1: KubeObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template } };
    const ext = convertObject(v1, target("extensions/v1beta1", "Deployment"));
    expect(ext).toEqual({ ...v1, apiVersion: "extensions/v1beta1" });
    expect(convertObject(ext, appsV1("Deployment")).spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 2147483647 });
  });

  it("apps/v1beta2 shares the apps/v1 schema, annotation included", () => {
    const v1: KubeObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", annotations: { [DEPRECATED_ROLLBACK_TO]: "4" } },
      spec: { selector: { matchLabels: { app: "web" } }, template },
    };
    const beta2 = convertObject(v1, target("apps/v1beta2", "Deployment"));
    expect(beta2).toEqual({ ...v1, apiVersion: "apps/v1beta2" });
    expect(convertObject(beta2, appsV1("Deployment"))).toEqual(v1);
  });
});

describe("DaemonSet conversion", () => {
  it("maps templateGeneration to the annotation and defaults updateStrategy to OnDelete", () => {
    const ds: KubeObject = { apiVersion: "extensions/v1beta1", kind: "DaemonSet", metadata: { name: "agent" }, spec: { template, templateGeneration: 3 } };
    const v1 = convertObject(ds, appsV1("DaemonSet"));
    expect(v1).toEqual({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent", labels: { app: "web" }, annotations: { [DEPRECATED_TEMPLATE_GENERATION]: "3" } },
      spec: { template, selector: { matchLabels: { app: "web" } }, updateStrategy: { type: "OnDelete" }, revisionHistoryLimit: 10 },
    });
    const back = convertObject(v1, target("extensions/v1beta1", "DaemonSet"));
    expect(back).toEqual({
      apiVersion: "extensions/v1beta1",
      kind: "DaemonSet",
      metadata: { name: "agent", labels: { app: "web" } },
      spec: { template, selector: { matchLabels: { app: "web" } }, updateStrategy: { type: "OnDelete" }, revisionHistoryLimit: 10, templateGeneration: 3 },
    });
  });

  it("defaults a RollingUpdate strategy's maxUnavailable to 1", () => {
    const ds: KubeObject = { apiVersion: "extensions/v1beta1", kind: "DaemonSet", metadata: { name: "agent" }, spec: { template, updateStrategy: { type: "RollingUpdate" } } };
    expect((convertObject(ds, appsV1("DaemonSet")).spec as any).updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } });
  });

  it("apps/v1beta2 keeps the annotation as it is", () => {
    const v1: KubeObject = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent", annotations: { [DEPRECATED_TEMPLATE_GENERATION]: "1" } },
      spec: { selector: { matchLabels: { app: "web" } }, template },
    };
    expect(convertObject(v1, target("apps/v1beta2", "DaemonSet")).metadata).toEqual(v1.metadata);
  });
});

describe("StatefulSet and ReplicaSet conversion", () => {
  it("applies apps/v1beta1 StatefulSet defaults (OnDelete) and round-trips", () => {
    const sts: KubeObject = {
      apiVersion: "apps/v1beta1",
      kind: "StatefulSet",
      metadata: { name: "db" },
      spec: { serviceName: "db", replicas: 2, template, volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"] } }] },
      status: { replicas: 2, readyReplicas: 2, currentRevision: "db-1", updateRevision: "db-1" },
    };
    const v1 = convertObject(sts, appsV1("StatefulSet"));
    expect(v1.spec).toMatchObject({ selector: { matchLabels: { app: "web" } }, podManagementPolicy: "OrderedReady", updateStrategy: { type: "OnDelete" }, revisionHistoryLimit: 10 });
    expect(v1.status).toEqual(sts.status);
    const back = convertObject(v1, target("apps/v1beta1", "StatefulSet"));
    expect(back).toEqual({ ...v1, apiVersion: "apps/v1beta1" });
  });

  it("defaults an extensions ReplicaSet's selector and replicas", () => {
    const rs: KubeObject = { apiVersion: "extensions/v1beta1", kind: "ReplicaSet", metadata: { name: "web-1" }, spec: { template } };
    expect(convertObject(rs, appsV1("ReplicaSet")).spec).toEqual({ template, selector: { matchLabels: { app: "web" } }, replicas: 1 });
  });

  it("ControllerRevision converts between apps versions by renaming", () => {
    const cr: KubeObject = { apiVersion: "apps/v1beta1", kind: "ControllerRevision", metadata: { name: "web-1" }, revision: 1, data: {} };
    expect(convertObject(cr, appsV1("ControllerRevision"))).toEqual({ ...cr, apiVersion: "apps/v1" });
  });
});
