import type { KindTable, MessageTable } from "./schema.js";

/** Smaller groups kubectl sends typed bodies for: scheduling, autoscaling, policy, networking, auth. */
export const miscMessages: MessageTable = {
  // scheduling.k8s.io/v1 (v1beta1 has the same fields)
  PriorityClass: "1 metadata:ObjectMeta, 2 value:int32!, 3 globalDefault:bool, 4 description, 5 preemptionPolicy!",

  // autoscaling/v1
  Scale: "1 metadata:ObjectMeta, 2 spec:ScaleSpec, 3 status:ScaleStatus",
  ScaleSpec: "1 replicas:int32",
  ScaleStatus: "1 replicas:int32!, 2 selector",
  HorizontalPodAutoscaler:
    "1 metadata:ObjectMeta, 2 spec:HorizontalPodAutoscalerSpec, 3 status:HorizontalPodAutoscalerStatus",
  HorizontalPodAutoscalerSpec:
    "1 scaleTargetRef:CrossVersionObjectReference, 2 minReplicas:int32!, 3 maxReplicas:int32!, " +
    "4 targetCPUUtilizationPercentage:int32!",
  CrossVersionObjectReference: "1 kind!, 2 name!, 3 apiVersion",
  HorizontalPodAutoscalerStatus:
    "1 observedGeneration:int64!, 2 lastScaleTime:Time, 3 currentReplicas:int32!, 4 desiredReplicas:int32!, " +
    "5 currentCPUUtilizationPercentage:int32!",

  // policy/v1 (v1beta1 has the same field numbers)
  PodDisruptionBudget:
    "1 metadata:ObjectMeta, 2 spec:PodDisruptionBudgetSpec, 3 status:PodDisruptionBudgetStatus",
  PodDisruptionBudgetSpec:
    "1 minAvailable:IntOrString, 2 selector:LabelSelector, 3 maxUnavailable:IntOrString, 4 unhealthyPodEvictionPolicy!",
  PodDisruptionBudgetStatus:
    "1 observedGeneration:int64, 2 disruptedPods:{}Time, 3 disruptionsAllowed:int32!, 4 currentHealthy:int32!, " +
    "5 desiredHealthy:int32!, 6 expectedPods:int32!, 7 conditions:[]Condition",
  Eviction: "1 metadata:ObjectMeta, 2 deleteOptions:DeleteOptions",

  // networking.k8s.io/v1
  Ingress: "1 metadata:ObjectMeta, 2 spec:IngressSpec, 3 status:IngressStatus",
  IngressSpec:
    "4 ingressClassName!, 1 defaultBackend:IngressBackend, 2 tls:[]IngressTLS, 3 rules:[]IngressRule",
  IngressBackend: "4 service:IngressServiceBackend, 3 resource:TypedLocalObjectReference",
  IngressServiceBackend: "1 name!, 2 port:ServiceBackendPort",
  ServiceBackendPort: "1 name, 2 number:int32",
  IngressTLS: "1 hosts:[]string, 2 secretName",
  IngressRule: "1 host, 2 ingressRuleValue:IngressRuleValue^",
  IngressRuleValue: "1 http:HTTPIngressRuleValue",
  HTTPIngressRuleValue: "1 paths:[]HTTPIngressPath~",
  HTTPIngressPath: "1 path, 3 pathType~, 2 backend:IngressBackend",
  IngressStatus: "1 loadBalancer:IngressLoadBalancerStatus",
  IngressLoadBalancerStatus: "1 ingress:[]IngressLoadBalancerIngress",
  IngressLoadBalancerIngress: "1 ip, 2 hostname, 4 ports:[]PortStatus",

  // authorization.k8s.io/v1
  SelfSubjectAccessReview:
    "1 metadata:ObjectMeta, 2 spec:SelfSubjectAccessReviewSpec, 3 status:SubjectAccessReviewStatus",
  SelfSubjectAccessReviewSpec: "1 resourceAttributes:ResourceAttributes, 2 nonResourceAttributes:NonResourceAttributes",
  ResourceAttributes:
    "1 namespace, 2 verb, 3 group, 4 version, 5 resource, 6 subresource, 7 name, " +
    "8 fieldSelector:FieldSelectorAttributes, 9 labelSelector:LabelSelectorAttributes",
  FieldSelectorAttributes: "1 rawSelector, 2 requirements:[]FieldSelectorRequirement",
  LabelSelectorAttributes: "1 rawSelector, 2 requirements:[]LabelSelectorRequirement",
  NonResourceAttributes: "1 path, 2 verb",
  SubjectAccessReview: "1 metadata:ObjectMeta, 2 spec:SubjectAccessReviewSpec, 3 status:SubjectAccessReviewStatus",
  SubjectAccessReviewSpec:
    "1 resourceAttributes:ResourceAttributes, 2 nonResourceAttributes:NonResourceAttributes, 3 user, " +
    "4 groups:[]string, 5 extra:{}StringList, 6 uid",
  // authorization.k8s.io/v1beta1 names field 4 "group".
  SubjectAccessReviewSpecV1beta1:
    "1 resourceAttributes:ResourceAttributes, 2 nonResourceAttributes:NonResourceAttributes, 3 user, " +
    "4 group:[]string, 5 extra:{}StringList, 6 uid",
  SubjectAccessReviewV1beta1:
    "1 metadata:ObjectMeta, 2 spec:SubjectAccessReviewSpecV1beta1, 3 status:SubjectAccessReviewStatus",
  SubjectAccessReviewStatus: "1 allowed:bool!, 4 denied:bool, 2 reason, 3 evaluationError",
  SelfSubjectRulesReview:
    "1 metadata:ObjectMeta, 2 spec:SelfSubjectRulesReviewSpec, 3 status:SubjectRulesReviewStatus",
  SelfSubjectRulesReviewSpec: "1 namespace",
  SubjectRulesReviewStatus:
    "1 resourceRules:[]ResourceRule~, 2 nonResourceRules:[]NonResourceRule~, 3 incomplete:bool!, 4 evaluationError",
  ResourceRule: "1 verbs:[]string~, 2 apiGroups:[]string, 3 resources:[]string, 4 resourceNames:[]string",
  NonResourceRule: "1 verbs:[]string~, 2 nonResourceURLs:[]string",

  // authentication.k8s.io/v1
  TokenRequest: "1 metadata:ObjectMeta, 2 spec:TokenRequestSpec, 3 status:TokenRequestStatus",
  TokenRequestSpec: "1 audiences:[]string~, 4 expirationSeconds:int64~, 3 boundObjectRef:BoundObjectReference~",
  BoundObjectReference: "1 kind, 2 apiVersion, 3 name, 4 uid",
  TokenRequestStatus: "1 token!, 2 expirationTimestamp:Time",
  TokenReview: "1 metadata:ObjectMeta, 2 spec:TokenReviewSpec, 3 status:TokenReviewStatus",
  TokenReviewSpec: "1 token, 2 audiences:[]string",
  TokenReviewStatus: "1 authenticated:bool, 2 user:UserInfo, 4 audiences:[]string, 3 error",
  UserInfo: "1 username, 2 uid, 3 groups:[]string, 4 extra:{}StringList",
  SelfSubjectReview: "1 metadata:ObjectMeta, 2 status:SelfSubjectReviewStatus",
  SelfSubjectReviewStatus: "1 userInfo:UserInfo",
};

const authz = "authorization.k8s.io";
const authn = "authentication.k8s.io";

export const miscKinds: KindTable = {
  "scheduling.k8s.io/v1 PriorityClass": "PriorityClass",
  "scheduling.k8s.io/v1beta1 PriorityClass": "PriorityClass",
  "autoscaling/v1 Scale": "Scale",
  "autoscaling/v1 HorizontalPodAutoscaler": "HorizontalPodAutoscaler",
  "policy/v1 PodDisruptionBudget": "PodDisruptionBudget",
  "policy/v1beta1 PodDisruptionBudget": "PodDisruptionBudget",
  "policy/v1 Eviction": "Eviction",
  "policy/v1beta1 Eviction": "Eviction",
  "networking.k8s.io/v1 Ingress": "Ingress",
  [`${authz}/v1 SelfSubjectAccessReview`]: "SelfSubjectAccessReview",
  [`${authz}/v1beta1 SelfSubjectAccessReview`]: "SelfSubjectAccessReview",
  [`${authz}/v1 SelfSubjectRulesReview`]: "SelfSubjectRulesReview",
  [`${authz}/v1beta1 SelfSubjectRulesReview`]: "SelfSubjectRulesReview",
  [`${authz}/v1 SubjectAccessReview`]: "SubjectAccessReview",
  [`${authz}/v1 LocalSubjectAccessReview`]: "SubjectAccessReview",
  [`${authz}/v1beta1 SubjectAccessReview`]: "SubjectAccessReviewV1beta1",
  [`${authz}/v1beta1 LocalSubjectAccessReview`]: "SubjectAccessReviewV1beta1",
  [`${authn}/v1 TokenRequest`]: "TokenRequest",
  [`${authn}/v1 TokenReview`]: "TokenReview",
  [`${authn}/v1beta1 TokenReview`]: "TokenReview",
  [`${authn}/v1 SelfSubjectReview`]: "SelfSubjectReview",
  [`${authn}/v1beta1 SelfSubjectReview`]: "SelfSubjectReview",
  [`${authn}/v1alpha1 SelfSubjectReview`]: "SelfSubjectReview",
};
