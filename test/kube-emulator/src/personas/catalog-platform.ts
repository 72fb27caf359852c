import type { ResourceDef } from "./types.js";
import { CREATE_VERBS } from "./verbs.js";

/**
 * Cluster plumbing: rbac, storage, apiextensions, admissionregistration, apiregistration,
 * certificates, flowcontrol, authentication and authorization. Removal points per the
 * deprecation guide: 1.22 dropped every v1beta1 listed here except
 * storage.k8s.io/v1beta1 CSIStorageCapacity (gone in 1.27); flowcontrol v1beta1 went in
 * 1.26, v1beta2 in 1.29 (v1beta3 stays until 1.32).
 *
 * The api-extensions category (CRDs, APIServices, webhook configurations) was added in 1.20
 * (kubernetes/kubernetes#95603).
 */

interface Window {
  since: number;
  removedIn?: number;
}

function def(group: string, version: string, resource: string, kind: string, namespaced: boolean, window: Window, extra: Partial<ResourceDef> = {}): ResourceDef {
  return { group, version, resource, kind, namespaced, ...window, ...extra };
}

/** One resource defined in several versions of a group, each with its own window. */
function acrossVersions(
  group: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  windows: Record<string, Window>,
  extra: Partial<ResourceDef> = {},
): ResourceDef[] {
  return Object.entries(windows).map(([version, window]) => def(group, version, resource, kind, namespaced, window, extra));
}

const v1beta1Until22 = { since: 1, removedIn: 22 };
const apiExtensions = { categories: ["api-extensions"], categoriesSince: 20 };
const review = { verbs: CREATE_VERBS };
const RBAC = "rbac.authorization.k8s.io";
const STORAGE = "storage.k8s.io";
const ADMISSION = "admissionregistration.k8s.io";
const FLOW = "flowcontrol.apiserver.k8s.io";
const flowWindows = {
  v1beta1: { since: 20, removedIn: 26 },
  v1beta2: { since: 23, removedIn: 29 },
  v1beta3: { since: 26, removedIn: 32 },
  v1: { since: 29 },
};

export const platformResources: ResourceDef[] = [
  ...["clusterrolebindings:ClusterRoleBinding:false", "clusterroles:ClusterRole:false", "rolebindings:RoleBinding:true", "roles:Role:true"].flatMap(
    (spec) => {
      const [resource = "", kind = "", ns] = spec.split(":");
      return acrossVersions(RBAC, resource, kind, ns === "true", { v1: { since: 8 }, v1beta1: v1beta1Until22 });
    },
  ),

  ...acrossVersions(STORAGE, "storageclasses", "StorageClass", false, { v1: { since: 6 }, v1beta1: v1beta1Until22 }, { shortNames: ["sc"] }),
  ...acrossVersions(STORAGE, "volumeattachments", "VolumeAttachment", false, { v1: { since: 13 }, v1beta1: v1beta1Until22 }, { subresources: ["status"] }),
  ...acrossVersions(STORAGE, "csinodes", "CSINode", false, { v1: { since: 17 }, v1beta1: { since: 14, removedIn: 22 } }),
  ...acrossVersions(STORAGE, "csidrivers", "CSIDriver", false, { v1: { since: 18 }, v1beta1: { since: 14, removedIn: 22 } }),
  ...acrossVersions(STORAGE, "csistoragecapacities", "CSIStorageCapacity", true, { v1: { since: 24 }, v1beta1: { since: 21, removedIn: 27 } }),

  ...acrossVersions("apiextensions.k8s.io", "customresourcedefinitions", "CustomResourceDefinition", false, { v1: { since: 16 }, v1beta1: v1beta1Until22 }, {
    shortNames: ["crd", "crds"],
    subresources: ["status"],
    ...apiExtensions,
  }),
  ...acrossVersions(ADMISSION, "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false, { v1: { since: 16 }, v1beta1: v1beta1Until22 }, apiExtensions),
  ...acrossVersions(ADMISSION, "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false, { v1: { since: 16 }, v1beta1: v1beta1Until22 }, apiExtensions),
  // ValidatingAdmissionPolicy went GA (admissionregistration.k8s.io/v1) in 1.30; its betas were off by default.
  def(ADMISSION, "v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", false, { since: 30 }, { subresources: ["status"], ...apiExtensions }),
  def(ADMISSION, "v1", "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", false, { since: 30 }, apiExtensions),
  ...acrossVersions("apiregistration.k8s.io", "apiservices", "APIService", false, { v1: { since: 10 }, v1beta1: v1beta1Until22 }, {
    subresources: ["status"],
    ...apiExtensions,
  }),

  ...acrossVersions("certificates.k8s.io", "certificatesigningrequests", "CertificateSigningRequest", false, { v1: { since: 19 }, v1beta1: v1beta1Until22 }, {
    shortNames: ["csr"],
    subresources: ["status"],
  }),

  ...acrossVersions(FLOW, "flowschemas", "FlowSchema", false, flowWindows, { subresources: ["status"] }),
  ...acrossVersions(FLOW, "prioritylevelconfigurations", "PriorityLevelConfiguration", false, flowWindows, { subresources: ["status"] }),

  // Virtual, create-only review resources.
  ...acrossVersions("authentication.k8s.io", "tokenreviews", "TokenReview", false, { v1: { since: 6 }, v1beta1: v1beta1Until22 }, review),
  // SelfSubjectReview: v1beta1 in 1.27 was a new beta, so off by default (KEP-3136); GA in 1.28.
  def("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", false, { since: 28 }, review),
  ...acrossVersions("authorization.k8s.io", "localsubjectaccessreviews", "LocalSubjectAccessReview", true, { v1: { since: 6 }, v1beta1: v1beta1Until22 }, review),
  ...acrossVersions("authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false, { v1: { since: 6 }, v1beta1: v1beta1Until22 }, review),
  ...acrossVersions("authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false, { v1: { since: 8 }, v1beta1: v1beta1Until22 }, review),
  ...acrossVersions("authorization.k8s.io", "subjectaccessreviews", "SubjectAccessReview", false, { v1: { since: 6 }, v1beta1: v1beta1Until22 }, review),
];
