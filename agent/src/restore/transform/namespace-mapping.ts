import type { KubeObject } from "../types.js";

/** The target namespace of `namespace`: its mapping, or itself when it has none. */
export function mapNamespace(namespace: string, mapping: ReadonlyMap<string, string>): string {
  return mapping.get(namespace) ?? namespace;
}

interface NamespaceRef {
  namespace?: string;
  [field: string]: unknown;
}

/**
 * Moves an object into its mapped namespace and rewrites the namespaces it names: a Namespace's
 * own name, ServiceAccount subjects of (Cluster)RoleBindings, webhook, APIService and CRD
 * conversion service references, a PV's claimRef, Endpoints/EndpointSlice target refs and a
 * VolumeSnapshotContent's snapshot ref. Names stay as they are, so the PVCs, ServiceAccounts,
 * ConfigMaps and Secrets a pod names by name are found in its new namespace. Changes `draft`.
 */
export function mapObjectNamespaces(draft: KubeObject, mapping: ReadonlyMap<string, string>): void {
  if (mapping.size === 0) return;
  const map = (ref: NamespaceRef | undefined): void => {
    if (ref && typeof ref.namespace === "string" && ref.namespace !== "") ref.namespace = mapNamespace(ref.namespace, mapping);
  };
  map(draft.metadata);
  const spec = draft.spec as Record<string, any> | undefined;
  switch (draft.kind) {
    case "Namespace":
      if (draft.metadata.name) draft.metadata.name = mapNamespace(draft.metadata.name, mapping);
      // Set by the API server since 1.21 to the namespace's name; kept in step so selectors on it work.
      if (draft.metadata.labels?.["kubernetes.io/metadata.name"] !== undefined && draft.metadata.name) {
        draft.metadata.labels["kubernetes.io/metadata.name"] = draft.metadata.name;
      }
      break;
    case "RoleBinding":
    case "ClusterRoleBinding":
      for (const subject of (draft.subjects as Array<NamespaceRef & { kind?: string }> | undefined) ?? []) {
        if (subject.kind === "ServiceAccount") map(subject);
      }
      break;
    case "MutatingWebhookConfiguration":
    case "ValidatingWebhookConfiguration":
      for (const webhook of (draft.webhooks as Array<{ clientConfig?: { service?: NamespaceRef } }> | undefined) ?? []) map(webhook.clientConfig?.service);
      break;
    case "APIService":
      map(spec?.service);
      break;
    case "CustomResourceDefinition":
      map(spec?.conversion?.webhook?.clientConfig?.service); // apiextensions.k8s.io/v1
      map(spec?.conversion?.webhookClientConfig?.service); // apiextensions.k8s.io/v1beta1
      break;
    case "PersistentVolume":
      map(spec?.claimRef);
      break;
    case "Endpoints":
      for (const subset of (draft.subsets as Array<Record<string, Array<{ targetRef?: NamespaceRef }> | undefined>> | undefined) ?? []) {
        for (const address of [...(subset.addresses ?? []), ...(subset.notReadyAddresses ?? [])]) map(address.targetRef);
      }
      break;
    case "EndpointSlice":
      for (const endpoint of (draft.endpoints as Array<{ targetRef?: NamespaceRef }> | undefined) ?? []) map(endpoint.targetRef);
      break;
    case "VolumeSnapshotContent":
      map(spec?.volumeSnapshotRef);
      break;
  }
}
