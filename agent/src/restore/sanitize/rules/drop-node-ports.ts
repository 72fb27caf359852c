import { asRecord, isCore, type SanitizeRule } from "../sanitize-rule.js";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * Node ports the source's API server assigned may be taken in the target, so they go unless the
 * restore preserves them. A node port the user chose (it is in the kubectl last-applied
 * configuration) is the user's and stays, as Velero does: clients may be pointed at it. The same
 * holds for a LoadBalancer's healthCheckNodePort.
 */
export const dropNodePorts: SanitizeRule = {
  name: "drops a Service's assigned node ports unless preserved",
  apply(object, options) {
    const spec = asRecord(object.spec);
    if (!isCore(object, "Service") || !spec || options.preserveNodePorts) return;
    const chosen = chosenNodePorts(object.metadata.annotations?.[LAST_APPLIED]);
    for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
      const p = asRecord(port);
      if (p && p.nodePort !== undefined && !chosen.ports.has(Number(p.nodePort))) delete p.nodePort;
    }
    if (spec.healthCheckNodePort !== undefined && !chosen.healthCheck) delete spec.healthCheckNodePort;
  },
};

function chosenNodePorts(lastApplied: string | undefined): { ports: Set<number>; healthCheck: boolean } {
  const chosen = { ports: new Set<number>(), healthCheck: false };
  if (!lastApplied) return chosen;
  let spec: Record<string, unknown> | undefined;
  try {
    spec = asRecord(asRecord(JSON.parse(lastApplied))?.spec);
  } catch {
    // Not JSON (edited by hand): no node port counts as the user's.
    return chosen;
  }
  for (const port of Array.isArray(spec?.ports) ? spec.ports : []) {
    const nodePort = asRecord(port)?.nodePort;
    if (nodePort !== undefined) chosen.ports.add(Number(nodePort));
  }
  chosen.healthCheck = spec?.healthCheckNodePort !== undefined;
  return chosen;
}
