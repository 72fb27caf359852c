// What the data movers need in a cluster before their first copy: the CRDs of their objects
// (a Helm chart installs them in a real cluster; the agent makes them when missing) and the
// agents' namespace.
import { LifeboatError } from "@lifeboat/shared";
import { volumeCrds } from "./contract.js";
import { CORE, type KubeObjects } from "./kube-objects.js";

const ESTABLISH_TIMEOUT_MS = 30_000;

export async function ensureDataMoverSetup(kube: KubeObjects, namespace: string, signal?: AbortSignal): Promise<void> {
  if (!(await kube.get(CORE.namespaces, "", namespace, signal))) {
    await kube.create(CORE.namespaces, "", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }, signal).catch(ignoreExisting);
  }
  for (const crd of volumeCrds()) {
    const name = (crd.metadata as { name: string }).name;
    if (!(await kube.get(CORE.crds, "", name, signal))) await kube.create(CORE.crds, "", crd, signal).catch(ignoreExisting);
    await waitUntil(async () => {
      const current = await kube.get<{ status?: { conditions?: Array<{ type: string; status: string }> } }>(CORE.crds, "", name, signal);
      return current?.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") ?? false;
    }, ESTABLISH_TIMEOUT_MS, `CRD ${name} did not become Established`, signal);
  }
}

function ignoreExisting(err: unknown): void {
  if ((err as { code?: string }).code !== "ALREADY_EXISTS") throw err;
}

/** Polls `check` every 200 ms (backing off to 1 s) until it is true; UNAVAILABLE with `failure` after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, failure: string, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 200;
  for (;;) {
    signal?.throwIfAborted();
    if (await check()) return;
    if (Date.now() > deadline) throw new LifeboatError("UNAVAILABLE", `${failure} within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(1_000, delay * 1.5);
  }
}
