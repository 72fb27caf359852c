// API versions per persona: what each serves, and one stored object read back in every
// version of its resource with the real conversions (Ingress, CronJob, HPA, Deployment).
import { describe, it } from "vitest";
import { useKubectlCluster } from "../support/kubectl-session.js";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec: any };

const hpaTarget = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };

describe("API versions on the 1.16 persona (HTTP)", () => {
  const { k, kr, getJson, namespace } = useKubectlCluster<Obj>("1.16", "http");

  it.concurrent("an extensions/v1beta1 Ingress reads back as networking.k8s.io/v1beta1", async ({ expect }) => {
    const ns = await namespace("v116-ing");
    const ingress = {
      apiVersion: "extensions/v1beta1",
      kind: "Ingress",
      metadata: { name: "shop", namespace: ns },
      spec: {
        backend: { serviceName: "default-backend", servicePort: 80 },
        rules: [{ host: "shop.example.com", http: { paths: [{ path: "/api", backend: { serviceName: "api", servicePort: "http" } }] } }],
      },
    };
    expect(await k(["apply", "-f", "-"], JSON.stringify(ingress))).toContain("ingress.extensions/shop created");
    const [asNetworking, asExtensions] = await Promise.all([
      getJson(["-n", ns, "get", "ingresses.v1beta1.networking.k8s.io", "shop"]),
      getJson(["-n", ns, "get", "ingresses.v1beta1.extensions", "shop"]),
    ]);
    expect(asNetworking.apiVersion).toBe("networking.k8s.io/v1beta1");
    expect(asNetworking.kind).toBe("Ingress");
    expect(asNetworking.spec.backend).toEqual({ serviceName: "default-backend", servicePort: 80 });
    expect(asNetworking.spec.rules[0].host).toBe("shop.example.com");
    expect(asNetworking.spec.rules[0].http.paths[0]).toEqual({ path: "/api", backend: { serviceName: "api", servicePort: "http" } });
    expect(asExtensions.apiVersion).toBe("extensions/v1beta1");
    expect(asExtensions.spec.rules[0].http.paths[0].backend).toEqual({ serviceName: "api", servicePort: "http" });
    // networking.k8s.io/v1 Ingress arrived in 1.19.
    const v1 = await kr(["-n", ns, "get", "ingresses.v1.networking.k8s.io", "shop"]);
    expect(v1.code).not.toBe(0);
    expect(v1.stderr).toContain('the server doesn\'t have a resource type "ingresses"');

    // Written as networking.k8s.io/v1beta1, read as extensions/v1beta1.
    const netIngress = { ...ingress, apiVersion: "networking.k8s.io/v1beta1", metadata: { name: "shop-net", namespace: ns } };
    expect(await k(["apply", "-f", "-"], JSON.stringify(netIngress))).toContain("ingress.networking.k8s.io/shop-net created");
    const back = await getJson(["-n", ns, "get", "ingresses.v1beta1.extensions", "shop-net"]);
    expect(back.apiVersion).toBe("extensions/v1beta1");
    expect(back.spec.backend).toEqual({ serviceName: "default-backend", servicePort: 80 });
  });

  it.concurrent("a batch/v1beta1 CronJob is served; batch/v1 CronJob is not", async ({ expect }) => {
    const ns = await namespace("v116-cj");
    const cronjob = (apiVersion: string) => ({
      apiVersion,
      kind: "CronJob",
      metadata: { name: "nightly", namespace: ns },
      spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "backup", image: "busybox:1.36", args: ["true"] }] } } } } },
    });
    expect(await k(["apply", "-f", "-"], JSON.stringify(cronjob("batch/v1beta1")))).toContain("cronjob.batch/nightly created");
    const cj = await getJson(["-n", ns, "get", "cronjobs", "nightly"]);
    expect(cj.apiVersion).toBe("batch/v1beta1");
    expect(cj.spec.schedule).toBe("0 3 * * *");
    // Defaults of a real 1.16 server.
    expect(cj.spec.concurrencyPolicy).toBe("Allow");
    expect(cj.spec.suspend).toBe(false);
    const refused = await kr(["apply", "-f", "-"], JSON.stringify({ ...cronjob("batch/v1"), metadata: { name: "other", namespace: ns } }));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('no matches for kind "CronJob" in version "batch/v1"');
  });

  it.concurrent("an autoscaling/v1 HPA reads back as autoscaling/v2beta2 and back", async ({ expect }) => {
    const ns = await namespace("v116-hpa");
    const v1 = { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "web", namespace: ns }, spec: { scaleTargetRef: hpaTarget, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70 } };
    expect(await k(["apply", "-f", "-"], JSON.stringify(v1))).toContain("horizontalpodautoscaler.autoscaling/web created");
    const v2 = await getJson(["-n", ns, "get", "horizontalpodautoscalers.v2beta2.autoscaling", "web"]);
    expect(v2.apiVersion).toBe("autoscaling/v2beta2");
    expect(v2.spec.minReplicas).toBe(2);
    expect(v2.spec.maxReplicas).toBe(5);
    expect(v2.spec.scaleTargetRef).toEqual(hpaTarget);
    expect(v2.spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
    expect(v2.spec.targetCPUUtilizationPercentage).toBeUndefined();
    const v2beta1 = await getJson(["-n", ns, "get", "horizontalpodautoscalers.v2beta1.autoscaling", "web"]);
    expect(v2beta1.spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", targetAverageUtilization: 70 } }]);

    // The other way: a v2beta2 CPU metric appears as targetCPUUtilizationPercentage in v1.
    const written = {
      apiVersion: "autoscaling/v2beta2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "api", namespace: ns },
      spec: { scaleTargetRef: { ...hpaTarget, name: "api" }, minReplicas: 1, maxReplicas: 4, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 55 } } }] },
    };
    await k(["apply", "-f", "-"], JSON.stringify(written));
    const asV1 = await getJson(["-n", ns, "get", "horizontalpodautoscalers.v1.autoscaling", "api"]);
    expect(asV1.apiVersion).toBe("autoscaling/v1");
    expect(asV1.spec.targetCPUUtilizationPercentage).toBe(55);
    expect(asV1.spec.metrics).toBeUndefined();
    expect(asV1.spec.maxReplicas).toBe(4);
  });

  it.concurrent("apps/v1beta1, apps/v1beta2 and extensions/v1beta1 Deployments are not served", async ({ expect }) => {
    const ns = await namespace("v116-legacy-off");
    const results = await Promise.all(
      ["apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"].map((apiVersion) =>
        kr(["apply", "-f", "-"], JSON.stringify({ apiVersion, kind: "Deployment", metadata: { name: "old", namespace: ns }, spec: { template: { metadata: { labels: { app: "old" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } })),
      ),
    );
    for (const [i, apiVersion] of ["apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"].entries()) {
      expect(results[i]!.code).not.toBe(0);
      expect(results[i]!.stderr).toContain(`no matches for kind "Deployment" in version "${apiVersion}"`);
    }
    const none = await kr(["-n", ns, "get", "deployments", "-o", "name"]);
    expect(none.stdout).toBe("");
  });

  it.concurrent("policy/v1beta1 PodDisruptionBudget is served, policy/v1 is not", async ({ expect }) => {
    const ns = await namespace("v116-pdb");
    const pdb = (apiVersion: string, name: string) => ({ apiVersion, kind: "PodDisruptionBudget", metadata: { name, namespace: ns }, spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } } });
    expect(await k(["apply", "-f", "-"], JSON.stringify(pdb("policy/v1beta1", "web")))).toContain("poddisruptionbudget.policy/web created");
    expect((await getJson(["-n", ns, "get", "pdb", "web"])).apiVersion).toBe("policy/v1beta1");
    const refused = await kr(["apply", "-f", "-"], JSON.stringify(pdb("policy/v1", "v1")));
    expect(refused.stderr).toContain('no matches for kind "PodDisruptionBudget" in version "policy/v1"');
  });
});

describe("API versions on the 1.16 persona with legacyApis (HTTPS)", () => {
  const { k, getJson, namespace } = useKubectlCluster<Obj>("1.16", "https", { legacyApis: true });

  it.concurrent("api-versions lists apps/v1beta1 and apps/v1beta2; extensions serves deployments", async ({ expect }) => {
    const versions = (await k(["api-versions"])).trim().split("\n");
    expect(versions).toEqual(expect.arrayContaining(["apps/v1beta1", "apps/v1beta2", "extensions/v1beta1", "apps/v1"]));
    const ext = (await k(["api-resources", "--api-group=extensions", "-o", "name"])).trim().split("\n");
    expect(ext).toEqual(expect.arrayContaining(["deployments.extensions", "daemonsets.extensions", "replicasets.extensions", "ingresses.extensions"]));
  });

  it.concurrent("an apps/v1beta1 Deployment is accepted and reads back as apps/v1 with a defaulted selector", async ({ expect }) => {
    const ns = await namespace("v116-legacy-on");
    const old = { apiVersion: "apps/v1beta1", kind: "Deployment", metadata: { name: "old", namespace: ns }, spec: { replicas: 2, template: { metadata: { labels: { app: "old" } }, spec: { containers: [{ name: "c", image: "nginx:1.17" }] } } } };
    expect(await k(["apply", "-f", "-"], JSON.stringify(old))).toContain("deployment.apps/old created");
    const [v1, ext, beta2] = await Promise.all([
      getJson(["-n", ns, "get", "deployments.v1.apps", "old"]),
      getJson(["-n", ns, "get", "deployments.v1beta1.extensions", "old"]),
      getJson(["-n", ns, "get", "deployments.v1beta2.apps", "old"]),
    ]);
    expect(v1.apiVersion).toBe("apps/v1");
    expect(v1.spec.replicas).toBe(2);
    // apps/v1beta1 defaults the selector from the template labels.
    expect(v1.spec.selector).toEqual({ matchLabels: { app: "old" } });
    expect(v1.spec.template.spec.containers[0].image).toBe("nginx:1.17");
    expect(ext.apiVersion).toBe("extensions/v1beta1");
    expect(beta2.apiVersion).toBe("apps/v1beta2");
    expect(beta2.spec.selector).toEqual({ matchLabels: { app: "old" } });
  });
});

describe("API versions on the 1.30 persona (HTTPS)", () => {
  const { k, kr, getJson, namespace } = useKubectlCluster<Obj>("1.30", "https");

  it.concurrent("a networking.k8s.io/v1 Ingress applies and reads back; the beta Ingress APIs are gone", async ({ expect }) => {
    const ns = await namespace("v130-ing");
    const ingress = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "shop", namespace: ns },
      spec: {
        ingressClassName: "nginx",
        defaultBackend: { service: { name: "default-backend", port: { number: 80 } } },
        rules: [{ host: "shop.example.com", http: { paths: [{ path: "/api", pathType: "Prefix", backend: { service: { name: "api", port: { name: "http" } } } }] } }],
      },
    };
    expect(await k(["apply", "-f", "-"], JSON.stringify(ingress))).toContain("ingress.networking.k8s.io/shop created");
    const got = await getJson(["-n", ns, "get", "ingress", "shop"]);
    expect(got.apiVersion).toBe("networking.k8s.io/v1");
    expect(got.spec.ingressClassName).toBe("nginx");
    expect(got.spec.defaultBackend).toEqual({ service: { name: "default-backend", port: { number: 80 } } });
    expect(got.spec.rules[0].http.paths[0]).toEqual({ path: "/api", pathType: "Prefix", backend: { service: { name: "api", port: { name: "http" } } } });

    const [ext, beta] = await Promise.all(
      ["extensions/v1beta1", "networking.k8s.io/v1beta1"].map((apiVersion) => kr(["apply", "-f", "-"], JSON.stringify({ ...ingress, apiVersion, metadata: { name: "old", namespace: ns }, spec: { backend: { serviceName: "x", servicePort: 80 } } }))),
    );
    expect(ext!.stderr).toContain('no matches for kind "Ingress" in version "extensions/v1beta1"');
    expect(beta!.stderr).toContain('no matches for kind "Ingress" in version "networking.k8s.io/v1beta1"');
  });

  it.concurrent("batch/v1 CronJob is served, batch/v1beta1 is not", async ({ expect }) => {
    const ns = await namespace("v130-cj");
    const cronjob = (apiVersion: string, name: string) => ({
      apiVersion,
      kind: "CronJob",
      metadata: { name, namespace: ns },
      spec: { schedule: "*/5 * * * *", timeZone: "Etc/UTC", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] } } } } },
    });
    expect(await k(["apply", "-f", "-"], JSON.stringify(cronjob("batch/v1", "tick")))).toContain("cronjob.batch/tick created");
    const cj = await getJson(["-n", ns, "get", "cj", "tick"]);
    expect(cj.apiVersion).toBe("batch/v1");
    expect(cj.spec.schedule).toBe("*/5 * * * *");
    expect(cj.spec.timeZone).toBe("Etc/UTC");
    const refused = await kr(["apply", "-f", "-"], JSON.stringify(cronjob("batch/v1beta1", "old")));
    expect(refused.stderr).toContain('no matches for kind "CronJob" in version "batch/v1beta1"');
  });

  it.concurrent("an autoscaling/v2 HPA reads back as autoscaling/v1", async ({ expect }) => {
    const ns = await namespace("v130-hpa");
    const v2 = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", namespace: ns },
      spec: { scaleTargetRef: hpaTarget, minReplicas: 1, maxReplicas: 10, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }] },
    };
    expect(await k(["apply", "-f", "-"], JSON.stringify(v2))).toContain("horizontalpodautoscaler.autoscaling/web created");
    const asV1 = await getJson(["-n", ns, "get", "horizontalpodautoscalers.v1.autoscaling", "web"]);
    expect(asV1.apiVersion).toBe("autoscaling/v1");
    expect(asV1.spec.targetCPUUtilizationPercentage).toBe(60);
    const asV2 = await getJson(["-n", ns, "get", "hpa", "web"]);
    expect(asV2.apiVersion).toBe("autoscaling/v2");
    expect(asV2.spec.metrics).toEqual(v2.spec.metrics);
    const beta = await kr(["-n", ns, "get", "horizontalpodautoscalers.v2beta2.autoscaling", "web"]);
    expect(beta.code).not.toBe(0);
  });

  it.concurrent("policy/v1 PodDisruptionBudget is served, policy/v1beta1 is not", async ({ expect }) => {
    const ns = await namespace("v130-pdb");
    const pdb = (apiVersion: string, name: string) => ({ apiVersion, kind: "PodDisruptionBudget", metadata: { name, namespace: ns }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } } });
    expect(await k(["apply", "-f", "-"], JSON.stringify(pdb("policy/v1", "web")))).toContain("poddisruptionbudget.policy/web created");
    expect((await getJson(["-n", ns, "get", "pdb", "web"])).apiVersion).toBe("policy/v1");
    const refused = await kr(["apply", "-f", "-"], JSON.stringify(pdb("policy/v1beta1", "old")));
    expect(refused.stderr).toContain('no matches for kind "PodDisruptionBudget" in version "policy/v1beta1"');
  });
});
