import type { KindTable, MessageTable } from "./schema.js";

/** k8s.io/api/rbac/v1; v1beta1 and v1alpha1 share the field numbers used here. */
export const rbacMessages: MessageTable = {
  Role: "1 metadata:ObjectMeta, 2 rules:[]PolicyRule~",
  ClusterRole: "1 metadata:ObjectMeta, 2 rules:[]PolicyRule~, 3 aggregationRule:AggregationRule",
  PolicyRule:
    "1 verbs:[]string~, 2 apiGroups:[]string, 3 resources:[]string, 4 resourceNames:[]string, 5 nonResourceURLs:[]string",
  AggregationRule: "1 clusterRoleSelectors:[]LabelSelector",
  RoleBinding: "1 metadata:ObjectMeta, 2 subjects:[]Subject, 3 roleRef:RoleRef",
  ClusterRoleBinding: "1 metadata:ObjectMeta, 2 subjects:[]Subject, 3 roleRef:RoleRef",
  Subject: "1 kind!, 2 apiGroup, 3 name!, 4 namespace",
  RoleRef: "1 apiGroup!, 2 kind!, 3 name!",
};

export const rbacKinds: KindTable = Object.fromEntries(
  ["v1", "v1beta1"].flatMap((version) =>
    ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"].map((kind) => [
      `rbac.authorization.k8s.io/${version} ${kind}`,
      kind,
    ]),
  ),
);
