// client-node against an emulator: the clients a suite uses, and the metav1.Status inside the
// ApiException a refused request throws.
import { ApiException, ApiextensionsV1Api, AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObjectApi } from "@kubernetes/client-node";
import type { EmulatorOptions, RunningEmulator } from "@lifeboat/kube-emulator";
import { beforeAll, expect } from "vitest";
import { uniqueName, useEmulator } from "./clusters.js";

/** A KubeConfig loaded from the kubeconfig an emulator (or a fleet's cluster) writes for its admin user. */
export function kubeConfigFor(cluster: { kubeconfig: string }): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  return kc;
}

export interface ClientNodeCluster {
  readonly emulator: RunningEmulator;
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly ext: ApiextensionsV1Api;
  readonly custom: CustomObjectsApi;
  readonly objects: KubernetesObjectApi;
  /** Creates a namespace named `<namespacePrefix>-<random>` and returns its name. */
  namespace(): Promise<string>;
}

/**
 * An emulator for the enclosing describe block (see useEmulator) with admin clients on it.
 * The clients are filled in by a beforeAll hook, so read them in hooks and tests, not while
 * the suite is collected. The namespace prefix names the suite, so that its namespaces can
 * be told apart when debugging.
 */
export function useClientNode(options: EmulatorOptions, namespacePrefix = "test"): ClientNodeCluster {
  const handle = useEmulator(options);
  const cluster = {
    get emulator() {
      return handle.emulator;
    },
    async namespace() {
      const name = uniqueName(namespacePrefix);
      await cluster.core.createNamespace({ body: { metadata: { name } } });
      return name;
    },
  } as ClientNodeCluster;
  beforeAll(() => {
    const kc = kubeConfigFor(handle.emulator);
    Object.assign(cluster, {
      kc,
      core: kc.makeApiClient(CoreV1Api),
      apps: kc.makeApiClient(AppsV1Api),
      ext: kc.makeApiClient(ApiextensionsV1Api),
      custom: kc.makeApiClient(CustomObjectsApi),
      objects: KubernetesObjectApi.makeApiClient(kc),
    });
  });
  return cluster;
}

/** What a refused request answered: the HTTP code and the body, a metav1.Status ({} when there is none). */
export interface ApiFailure {
  code: number;
  status: Record<string, any>;
}

/**
 * Awaits a request that must fail with an ApiException and returns its code and Status body.
 * The body is {} when client-node drops it, as it does for 401 answers (http/auth.test.ts
 * checks those bodies on the wire).
 */
export async function apiFailure(request: Promise<unknown>): Promise<ApiFailure> {
  try {
    await request;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiException);
    const e = err as ApiException<unknown>;
    return { code: e.code, status: typeof e.body === "string" ? JSON.parse(e.body) : ((e.body as Record<string, any>) ?? {}) };
  }
  throw new Error("expected the request to fail");
}

/** The fields of a metav1.Status a failure carries. */
export interface FailureStatus {
  kind: string;
  apiVersion: string;
  status: string;
  reason: string;
  message: string;
  code: number;
  details?: Record<string, any>;
}

/** apiFailure for suites about the error bodies themselves: also asserts the body is a Failure Status with the answer's code. */
export async function statusFailure(request: Promise<unknown>): Promise<{ code: number; status: FailureStatus }> {
  const failure = await apiFailure(request);
  expect(failure.status).toMatchObject({ kind: "Status", apiVersion: "v1", status: "Failure", code: failure.code });
  return failure as { code: number; status: FailureStatus };
}
