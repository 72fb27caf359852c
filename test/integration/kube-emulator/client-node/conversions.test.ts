// One stored object served in every version of its resource: written in one API version,
// read in another through client-node's KubernetesObjectApi, with the same uid and
// resourceVersion and the fields converted as the real conversions do.
import type { KubernetesObject } from "@kubernetes/client-node";
import { startEmulator, type EmulatorOptions } from "@lifeboat/kube-emulator";
import { describe, expect, it } from "vitest";
import { useClientNode } from "../support/client-node.js";
import { apiControllers } from "../support/clusters.js";

type Obj = KubernetesObject & Record<string, any>;

/** An emulator for the describe block, with KubernetesObjectApi reading one object in any apiVersion. */
function client(options: EmulatorOptions) {
  const k = useClientNode({ ...options, controllers: apiControllers }, "conv");
  return {
    get objects() {
      return k.objects;
    },
    namespace: () => k.namespace(),
    read(apiVersion: string, kind: string, name: string, namespace: string): Promise<Obj> {
      return k.objects.read<Obj>({ apiVersion, kind, metadata: { name, namespace } });
    },
  };
}

function sameObject(a: Obj, b: Obj): void {
  expect(b.metadata?.uid).toBe(a.metadata?.uid);
  expect(b.metadata?.resourceVersion).toBe(a.metadata?.resourceVersion);
  expect(b.metadata?.creationTimestamp).toEqual(a.metadata?.creationTimestamp);
}

describe("Ingress on 1.16: extensions/v1beta1 ⇄ networking.k8s.io/v1beta1", () => {
  const k = client({ k8sVersion: "1.16", tls: true });

  it("written in extensions/v1beta1, read in networking.k8s.io/v1beta1", async () => {
    const namespace = await k.namespace();
    const created = await k.objects.create<Obj>({
      apiVersion: "extensions/v1beta1",
      kind: "Ingress",
      metadata: { name: "web", namespace, annotations: { "kubernetes.io/ingress.class": "nginx" } },
      spec: {
        backend: { serviceName: "default-svc", servicePort: 80 },
        rules: [{ host: "a.example.com", http: { paths: [{ path: "/", backend: { serviceName: "web", servicePort: "http" } }] } }],
      },
    });
    expect(created.apiVersion).toBe("extensions/v1beta1");
    const read = await k.read("networking.k8s.io/v1beta1", "Ingress", "web", namespace);
    expect(read.apiVersion).toBe("networking.k8s.io/v1beta1");
    expect(read.kind).toBe("Ingress");
    sameObject(created, read);
    expect(read.spec.backend).toEqual({ serviceName: "default-svc", servicePort: 80 });
    expect(read.spec.rules[0].http.paths[0].backend).toEqual({ serviceName: "web", servicePort: "http" });
    expect(read.metadata?.annotations?.["kubernetes.io/ingress.class"]).toBe("nginx");

    // And back: an update in networking.k8s.io/v1beta1 shows in extensions/v1beta1.
    read.spec.rules[0].host = "b.example.com";
    const replaced = await k.objects.replace<Obj>(read);
    const again = await k.read("extensions/v1beta1", "Ingress", "web", namespace);
    sameObject(replaced, again);
    expect(again.spec.rules[0].host).toBe("b.example.com");
    const lists = await Promise.all([k.objects.list("extensions/v1beta1", "Ingress", namespace), k.objects.list("networking.k8s.io/v1beta1", "Ingress", namespace)]);
    expect(lists.map((l) => l.items.map((i) => i.metadata?.uid))).toEqual([[created.metadata?.uid], [created.metadata?.uid]]);
  });
});

describe("Ingress on 1.20: extensions/v1beta1 → networking.k8s.io/v1 schema conversion", () => {
  const k = client({ k8sVersion: "1.20" });

  it("serviceName/servicePort become service.name/port, backend becomes defaultBackend", async () => {
    const namespace = await k.namespace();
    const created = await k.objects.create<Obj>({
      apiVersion: "extensions/v1beta1",
      kind: "Ingress",
      metadata: { name: "web", namespace },
      spec: {
        backend: { serviceName: "default-svc", servicePort: 80 },
        rules: [{ host: "a.example.com", http: { paths: [{ path: "/api", backend: { serviceName: "api", servicePort: "http" } }] } }],
      },
    });
    const v1 = await k.read("networking.k8s.io/v1", "Ingress", "web", namespace);
    sameObject(created, v1);
    expect(v1.spec.defaultBackend).toEqual({ service: { name: "default-svc", port: { number: 80 } } });
    expect(v1.spec.backend).toBeUndefined();
    const path = v1.spec.rules[0].http.paths[0];
    expect(path.backend).toEqual({ service: { name: "api", port: { name: "http" } } });
    expect(path.pathType).toBe("ImplementationSpecific");
  });
});

describe("Ingress on 1.30: networking.k8s.io/v1 only", () => {
  const k = client({ k8sVersion: "1.30", tls: true });

  it("creates and reads a v1 Ingress with an IngressClass", async () => {
    const namespace = await k.namespace();
    await k.objects.create<Obj>({ apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: `nginx-${namespace}` }, spec: { controller: "k8s.io/ingress-nginx" } });
    const created = await k.objects.create<Obj>({
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "web", namespace },
      spec: {
        ingressClassName: `nginx-${namespace}`,
        rules: [{ host: "a.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }],
      },
    });
    const read = await k.read("networking.k8s.io/v1", "Ingress", "web", namespace);
    sameObject(created, read);
    expect(read.spec.ingressClassName).toBe(`nginx-${namespace}`);
    await expect(k.read("networking.k8s.io/v1beta1", "Ingress", "web", namespace)).rejects.toThrow();
  });
});

describe("legacy workloads on 1.16 with legacyApis", () => {
  const k = client({ k8sVersion: "1.16", legacyApis: true });

  it("apps/v1beta1 Deployment without selector reads as apps/v1 with the selector defaulted from the template labels", async () => {
    const namespace = await k.namespace();
    const created = await k.objects.create<Obj>({
      apiVersion: "apps/v1beta1",
      kind: "Deployment",
      metadata: { name: "old", namespace },
      spec: { template: { metadata: { labels: { app: "old", tier: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.17" }] } } },
    });
    expect(created.apiVersion).toBe("apps/v1beta1");
    expect(created.spec.selector).toEqual({ matchLabels: { app: "old", tier: "web" } });
    const v1 = await k.read("apps/v1", "Deployment", "old", namespace);
    expect(v1.apiVersion).toBe("apps/v1");
    sameObject(created, v1);
    expect(v1.spec.selector).toEqual({ matchLabels: { app: "old", tier: "web" } });
    expect(v1.spec.template.metadata.labels).toEqual({ app: "old", tier: "web" });
    // apps/v1beta1 defaults, kept when read in apps/v1.
    expect(v1.spec.revisionHistoryLimit).toBe(2);
    expect(v1.spec.replicas).toBe(1);

    const ext = await k.read("extensions/v1beta1", "Deployment", "old", namespace);
    sameObject(created, ext);
    const beta2 = await k.read("apps/v1beta2", "Deployment", "old", namespace);
    sameObject(created, beta2);
    expect(beta2.spec.selector).toEqual({ matchLabels: { app: "old", tier: "web" } });
  });

  it("without legacyApis the same 1.16 persona does not serve apps/v1beta1", async () => {
    const plain = await startEmulator({ k8sVersion: "1.16" });
    try {
      const res = await fetch(`${plain.url}/apis/apps/v1beta1`, { headers: { Authorization: `Bearer ${plain.token}` } });
      expect(res.status).toBe(404);
      const res2 = await fetch(`${plain.url}/apis/apps/v1beta1/namespaces/default/deployments`, { headers: { Authorization: `Bearer ${plain.token}` } });
      expect(res2.status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});

describe("HorizontalPodAutoscaler across autoscaling versions", () => {
  const k16 = client({ k8sVersion: "1.16" });
  const k30 = client({ k8sVersion: "1.30" });

  it("1.16: autoscaling/v1 targetCPUUtilizationPercentage reads as a v2beta2 Resource metric", async () => {
    const namespace = await k16.namespace();
    const created = await k16.objects.create<Obj>({
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", namespace },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 7, targetCPUUtilizationPercentage: 70 },
    });
    const v2beta2 = await k16.read("autoscaling/v2beta2", "HorizontalPodAutoscaler", "web", namespace);
    sameObject(created, v2beta2);
    expect(v2beta2.spec.minReplicas).toBe(2);
    expect(v2beta2.spec.maxReplicas).toBe(7);
    expect(v2beta2.spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
    expect(v2beta2.spec.targetCPUUtilizationPercentage).toBeUndefined();
    const v2beta1 = await k16.read("autoscaling/v2beta1", "HorizontalPodAutoscaler", "web", namespace);
    sameObject(created, v2beta1);
    expect(v2beta1.spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", targetAverageUtilization: 70 } }]);
  });

  it("1.16: a v2beta2 memory metric survives a read in v1 and back", async () => {
    const namespace = await k16.namespace();
    const created = await k16.objects.create<Obj>({
      apiVersion: "autoscaling/v2beta2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "mem", namespace },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "mem" },
        maxReplicas: 4,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
          { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } },
        ],
      },
    });
    const v1 = await k16.read("autoscaling/v1", "HorizontalPodAutoscaler", "mem", namespace);
    sameObject(created, v1);
    expect(v1.spec.targetCPUUtilizationPercentage).toBe(50);
    expect(v1.spec.minReplicas).toBe(1);
    expect(v1.spec.metrics).toBeUndefined();
    const back = await k16.read("autoscaling/v2beta2", "HorizontalPodAutoscaler", "mem", namespace);
    expect(back.spec.metrics).toHaveLength(2);
    expect(back.spec.metrics[1].resource).toEqual({ name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } });
  });

  it("1.30: autoscaling/v1 reads as autoscaling/v2", async () => {
    const namespace = await k30.namespace();
    const created = await k30.objects.create<Obj>({
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", namespace },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 3, targetCPUUtilizationPercentage: 80 },
    });
    const v2 = await k30.read("autoscaling/v2", "HorizontalPodAutoscaler", "web", namespace);
    sameObject(created, v2);
    expect(v2.spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }]);
  });
});

describe("CronJob across batch versions", () => {
  const k16 = client({ k8sVersion: "1.16" });
  const k22 = client({ k8sVersion: "1.22" });
  const k30 = client({ k8sVersion: "1.30", tls: true });
  const cronJob = (apiVersion: string, name: string, namespace: string): Obj => ({
    apiVersion,
    kind: "CronJob",
    metadata: { name, namespace },
    spec: {
      schedule: "*/5 * * * *",
      jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "c", image: "busybox:1.36", command: ["date"] }] } } } },
    },
  });

  it("1.16: batch/v1beta1 CronJob created and read back, with defaults", async () => {
    const namespace = await k16.namespace();
    const created = await k16.objects.create<Obj>(cronJob("batch/v1beta1", "tick", namespace));
    const read = await k16.read("batch/v1beta1", "CronJob", "tick", namespace);
    sameObject(created, read);
    expect(read.spec.schedule).toBe("*/5 * * * *");
    expect(read.spec.concurrencyPolicy).toBe("Allow");
    expect(read.spec.suspend).toBe(false);
    expect(read.spec.successfulJobsHistoryLimit).toBe(3);
    expect(read.spec.failedJobsHistoryLimit).toBe(1);
  });

  it("1.22: written in batch/v1beta1, read in batch/v1 with the same uid and resourceVersion", async () => {
    const namespace = await k22.namespace();
    const created = await k22.objects.create<Obj>(cronJob("batch/v1beta1", "tick", namespace));
    const v1 = await k22.read("batch/v1", "CronJob", "tick", namespace);
    expect(v1.apiVersion).toBe("batch/v1");
    sameObject(created, v1);
    expect(v1.spec.jobTemplate.spec.template.spec.containers[0].command).toEqual(["date"]);
    v1.spec.schedule = "0 * * * *";
    const replaced = await k22.objects.replace<Obj>(v1);
    const beta = await k22.read("batch/v1beta1", "CronJob", "tick", namespace);
    sameObject(replaced, beta);
    expect(beta.spec.schedule).toBe("0 * * * *");
  });

  it("1.30: batch/v1 CronJob; batch/v1beta1 no longer served", async () => {
    const namespace = await k30.namespace();
    const created = await k30.objects.create<Obj>(cronJob("batch/v1", "tick", namespace));
    const read = await k30.read("batch/v1", "CronJob", "tick", namespace);
    sameObject(created, read);
    await expect(k30.objects.create<Obj>(cronJob("batch/v1beta1", "tock", namespace))).rejects.toThrow();
    expect((await k30.objects.list("batch/v1", "CronJob", namespace)).items.map((c) => c.metadata?.name)).toEqual(["tick"]);
  });
});

describe("Event: core/v1 ⇄ events.k8s.io", () => {
  const k16 = client({ k8sVersion: "1.16" });
  const k30 = client({ k8sVersion: "1.30", tls: true });
  const coreEvent = (name: string, namespace: string): Obj => ({
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace },
    involvedObject: { kind: "Pod", namespace, name: "web-0", apiVersion: "v1" },
    reason: "Started",
    message: "Started container web",
    source: { component: "kubelet", host: "node-1" },
    firstTimestamp: "2024-01-01T00:00:00Z",
    lastTimestamp: "2024-01-01T00:05:00Z",
    count: 3,
    type: "Normal",
    reportingComponent: "kubelet",
    reportingInstance: "node-1",
  });
  const expectEventsShape = (e: Obj, namespace: string) => {
    expect(e.regarding).toEqual({ kind: "Pod", namespace, name: "web-0", apiVersion: "v1" });
    expect(e.note).toBe("Started container web");
    expect(e.deprecatedSource).toEqual({ component: "kubelet", host: "node-1" });
    expect(new Date(e.deprecatedFirstTimestamp).toISOString()).toBe("2024-01-01T00:00:00.000Z");
    expect(new Date(e.deprecatedLastTimestamp).toISOString()).toBe("2024-01-01T00:05:00.000Z");
    expect(e.deprecatedCount).toBe(3);
    expect(e.reportingController).toBe("kubelet");
    expect(e.reportingInstance).toBe("node-1");
    expect(e.reason).toBe("Started");
    expect(e.type).toBe("Normal");
    for (const coreOnly of ["involvedObject", "message", "source", "count", "firstTimestamp", "reportingComponent"]) expect(e[coreOnly]).toBeUndefined();
  };

  it("1.16: a core/v1 Event reads in events.k8s.io/v1beta1 with renamed fields", async () => {
    const namespace = await k16.namespace();
    const created = await k16.objects.create<Obj>(coreEvent("web-0.started", namespace));
    const ev = await k16.read("events.k8s.io/v1beta1", "Event", "web-0.started", namespace);
    sameObject(created, ev);
    expectEventsShape(ev, namespace);
  });

  it("1.30: a core/v1 Event reads in events.k8s.io/v1, and an events.k8s.io write reads back in core/v1", async () => {
    const namespace = await k30.namespace();
    const created = await k30.objects.create<Obj>(coreEvent("web-0.started", namespace));
    const ev = await k30.read("events.k8s.io/v1", "Event", "web-0.started", namespace);
    sameObject(created, ev);
    expectEventsShape(ev, namespace);

    ev.note = "Restarted container web";
    const replaced = await k30.objects.replace<Obj>(ev);
    const back = await k30.read("v1", "Event", "web-0.started", namespace);
    sameObject(replaced, back);
    expect(back.message).toBe("Restarted container web");
    expect(back.involvedObject.name).toBe("web-0");
    expect(back.note).toBeUndefined();
  });
});

describe("DaemonSet on 1.16 with legacyApis: extensions/v1beta1 defaults survive in apps/v1", () => {
  const k = client({ k8sVersion: "1.16", legacyApis: true });

  it("an extensions/v1beta1 DaemonSet without updateStrategy is OnDelete in apps/v1, selector from template labels", async () => {
    const namespace = await k.namespace();
    const created = await k.objects.create<Obj>({
      apiVersion: "extensions/v1beta1",
      kind: "DaemonSet",
      metadata: { name: "agent", namespace },
      spec: { template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "a", image: "busybox:1.36" }] } } },
    });
    expect(created.spec.updateStrategy.type).toBe("OnDelete");
    const v1 = await k.read("apps/v1", "DaemonSet", "agent", namespace);
    sameObject(created, v1);
    expect(v1.spec.updateStrategy.type).toBe("OnDelete");
    expect(v1.spec.selector).toEqual({ matchLabels: { app: "agent" } });
    expect(v1.spec.templateGeneration).toBeUndefined();
  });
});
