import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api-types.js";
import { startEmulator } from "../../emulator.js";
import { applyDefaults } from "./index.js";
import { defaultDaemonSetSpec, defaultJobSpec, defaultStatefulSetSpec, defaultTemplateGeneration, templateGenerationAnnotation } from "./workloads.js";

const template = { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "main", image: "busybox:1.36" }] } };

describe("workload defaults by version", () => {
  it("Job: completions and parallelism 1 only when both are unset; a work-queue Job keeps completions unset", () => {
    expect(defaultJobSpec({}, 16)).toEqual({ completions: 1, parallelism: 1, backoffLimit: 6 });
    expect(defaultJobSpec({ parallelism: 3 }, 16)).toEqual({ parallelism: 3, backoffLimit: 6 });
    expect(defaultJobSpec({ completions: 5 }, 16)).toEqual({ completions: 5, parallelism: 1, backoffLimit: 6 });
  });

  it("Job: completionMode and suspend from 1.22, podReplacementPolicy from 1.29", () => {
    expect(defaultJobSpec({}, 20)).not.toHaveProperty("completionMode");
    expect(defaultJobSpec({}, 22)).toEqual({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false });
    expect(defaultJobSpec({}, 27)).not.toHaveProperty("podReplacementPolicy");
    expect(defaultJobSpec({}, 30)).toMatchObject({ completionMode: "NonIndexed", suspend: false, podReplacementPolicy: "TerminatingOrFailed" });
    const policy = { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }] };
    expect(defaultJobSpec({ podFailurePolicy: policy }, 30)).toMatchObject({
      podReplacementPolicy: "Failed",
      podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }] },
    });
    expect(defaultJobSpec({ completionMode: "Indexed", completions: 3, backoffLimitPerIndex: 1 }, 30)).toMatchObject({ completionMode: "Indexed", backoffLimit: 2147483647 });
  });

  it("Job: a Job without labels takes its template's", () => {
    const job = applyDefaults("batch/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { template } } as KubeObject, 30);
    expect(job.metadata.labels).toEqual({ app: "x" });
    const labelled = applyDefaults("batch/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", labels: { own: "y" } }, spec: { template } } as KubeObject, 30);
    expect(labelled.metadata.labels).toEqual({ own: "y" });
  });

  it("StatefulSet: claims are retained from 1.27; a partition only with a rolling update to hold it", () => {
    expect(defaultStatefulSetSpec({}, 25)).not.toHaveProperty("persistentVolumeClaimRetentionPolicy");
    expect(defaultStatefulSetSpec({}, 27)).toMatchObject({ persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" }, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } } });
    expect(defaultStatefulSetSpec({ persistentVolumeClaimRetentionPolicy: { whenScaled: "Delete" } }, 30).persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Delete" });
    expect(defaultStatefulSetSpec({ updateStrategy: { type: "RollingUpdate" } }, 30).updateStrategy).toEqual({ type: "RollingUpdate" });
    expect(defaultStatefulSetSpec({ updateStrategy: { type: "OnDelete" } }, 30).updateStrategy).toEqual({ type: "OnDelete" });
  });

  it("DaemonSet: maxUnavailable 1 always, maxSurge 0 from 1.22, also when only the type is given", () => {
    expect(defaultDaemonSetSpec({}, 16)).toEqual({ revisionHistoryLimit: 10, updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } } });
    expect(defaultDaemonSetSpec({ updateStrategy: { type: "RollingUpdate" } }, 30).updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(defaultDaemonSetSpec({ updateStrategy: { type: "OnDelete" } }, 30).updateStrategy).toEqual({ type: "OnDelete" });
  });

  it("DaemonSet: the template generation annotation starts at 1 and grows only with template changes", () => {
    const ds = (tpl: unknown, annotations?: Record<string, string>): KubeObject =>
      ({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "d", ...(annotations ? { annotations } : {}) }, spec: { template: tpl } }) as KubeObject;
    const created = defaultTemplateGeneration(ds(template), undefined);
    expect(created.metadata.annotations).toEqual({ [templateGenerationAnnotation]: "1" });
    expect(defaultTemplateGeneration(ds(template, { [templateGenerationAnnotation]: "5" }), undefined).metadata.annotations?.[templateGenerationAnnotation]).toBe("5");
    // An update may not set it: a changed spec elsewhere keeps it, a new template bumps it.
    expect(defaultTemplateGeneration(ds(template, { [templateGenerationAnnotation]: "9" }), created).metadata.annotations?.[templateGenerationAnnotation]).toBe("1");
    const changed = { ...template, spec: { containers: [{ name: "main", image: "busybox:1.37" }] } };
    expect(defaultTemplateGeneration(ds(changed), created).metadata.annotations?.[templateGenerationAnnotation]).toBe("2");
  });

  it("pod specs: serviceAccount follows serviceAccountName, volume sources and probes get upstream's defaults", () => {
    const pod = applyDefaults("/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: {
        serviceAccount: "old",
        containers: [{ name: "c", image: "nginx:1.25", readinessProbe: { httpGet: { port: 80 } }, env: [{ name: "NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } }] }],
        volumes: [{ name: "s", secret: { secretName: "s" } }, { name: "h", hostPath: { path: "/x" } }, { name: "d", downwardAPI: { items: [{ path: "n", fieldRef: { fieldPath: "metadata.name" } }] } }],
      },
    } as KubeObject, 30);
    const spec = pod.spec as Record<string, any>;
    expect([spec.serviceAccountName, spec.serviceAccount]).toEqual(["old", "old"]);
    expect(spec.containers[0].readinessProbe).toEqual({ httpGet: { port: 80, path: "/", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(spec.containers[0].env[0].valueFrom.fieldRef).toEqual({ apiVersion: "v1", fieldPath: "metadata.namespace" });
    expect(spec.volumes).toEqual([
      { name: "s", secret: { secretName: "s", defaultMode: 420 } },
      { name: "h", hostPath: { path: "/x", type: "" } },
      { name: "d", downwardAPI: { defaultMode: 420, items: [{ path: "n", fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } }] } },
    ]);
    const both = applyDefaults("/pods", { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { serviceAccountName: "new", serviceAccount: "old", containers: [] } } as KubeObject, 30);
    expect((both.spec as Record<string, unknown>).serviceAccount).toBe("new");
  });
});

describe("DaemonSet template generation through the API", () => {
  it("is set on create and moves only with the template on update, whatever the client sends", async () => {
    const emulator = await startEmulator({ k8sVersion: "1.30", controllers: [] });
    try {
      const { service } = emulator;
      const info = service.registry.lookup("apps", "v1", "daemonsets")!;
      const body = { metadata: { name: "agent" }, spec: { selector: { matchLabels: { app: "x" } }, template } };
      const created = service.create(info, "default", body);
      const generations = (o: KubeObject) => [o.metadata.generation, o.metadata.annotations?.[templateGenerationAnnotation]];
      expect(generations(created)).toEqual([1, "1"]);
      const spec = created.spec as Record<string, unknown>;
      const slower = service.update(info, "default", "agent", {
        ...created,
        metadata: { ...created.metadata, annotations: { [templateGenerationAnnotation]: "7" } },
        spec: { ...spec, minReadySeconds: 5 },
      });
      expect(generations(slower)).toEqual([2, "1"]);
      const image = { ...template, spec: { containers: [{ name: "main", image: "busybox:1.37" }] } };
      const rolled = service.update(info, "default", "agent", { ...slower, spec: { ...(slower.spec as Record<string, unknown>), template: image } });
      expect(generations(rolled)).toEqual([3, "2"]);
    } finally {
      await emulator.stop();
    }
  });
});
