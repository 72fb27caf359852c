import { request, type HttpTarget } from "../common/http.js";
import { benchLabel } from "./objects.js";

interface Item {
  status?: { phase?: string; conditions?: Array<{ type?: string; status?: string }>; availableReplicas?: number };
  spec?: { replicas?: number };
}

export interface Readiness {
  deploymentsAvailable: number;
  podsReady: number;
  podsTotal: number;
  pvcsBound: number;
}

async function list(target: HttpTarget, path: string): Promise<Item[]> {
  const res = await request(target, "GET", `${path}?labelSelector=${encodeURIComponent(benchLabel)}`);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.toString().slice(0, 300)}`);
  return (JSON.parse(res.body.toString("utf8")) as { items: Item[] }).items;
}

const isReady = (pod: Item): boolean =>
  pod.status?.phase === "Running" && (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");

/** How much of the sandbox is up, from three cluster-wide lists (as `kubectl get -A` would see it). */
export async function readSandbox(target: HttpTarget): Promise<Readiness> {
  const [deployments, pods, pvcs] = await Promise.all([
    list(target, "/apis/apps/v1/deployments"),
    list(target, "/api/v1/pods"),
    list(target, "/api/v1/persistentvolumeclaims"),
  ]);
  return {
    deploymentsAvailable: deployments.filter((d) => (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1)).length,
    podsReady: pods.filter(isReady).length,
    podsTotal: pods.length,
    pvcsBound: pvcs.filter((p) => p.status?.phase === "Bound").length,
  };
}
