import { LifeboatError } from "@lifeboat/shared";
import type { ApiWriter } from "../apply/api-writer.js";
import type { PlannedItem } from "../types.js";

const NAMESPACE = { group: "", version: "v1", resource: "namespaces", kind: "Namespace", namespaced: false };

/**
 * Refuses, before anything is applied, a restore into a namespace the target is deleting: its
 * items would fail one by one, or land in a namespace about to vanish. INVALID_ARGUMENT naming it.
 */
export async function checkTargetNamespaces(items: readonly PlannedItem[], api: Pick<ApiWriter, "get">, signal?: AbortSignal): Promise<void> {
  const namespaces = new Set(items.map((item) => item.namespace).filter((namespace) => namespace !== ""));
  for (const name of [...namespaces].sort()) {
    const existing = await api.get({ to: NAMESPACE, namespace: "", name }, signal);
    if ((existing?.status as { phase?: string } | undefined)?.phase === "Terminating") {
      throw new LifeboatError("INVALID_ARGUMENT", `namespace "${name}" is terminating in the target cluster; wait until it is gone, or map its items to another namespace with --namespace-mapping`, {
        field: "spec.namespace_mapping",
        value: name,
      });
    }
  }
}
