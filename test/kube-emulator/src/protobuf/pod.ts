import type { MessageTable } from "./schema.js";

const containerFields =
  "1 name!, 2 image, 3 command:[]string, 4 args:[]string, 5 workingDir, 6 ports:[]ContainerPort, " +
  "19 envFrom:[]EnvFromSource, 7 env:[]EnvVar, 8 resources:ResourceRequirements, 23 resizePolicy:[]ContainerResizePolicy, " +
  "24 restartPolicy!, 9 volumeMounts:[]VolumeMount, 21 volumeDevices:[]VolumeDevice, 10 livenessProbe:Probe, " +
  "11 readinessProbe:Probe, 22 startupProbe:Probe, 12 lifecycle:Lifecycle, 13 terminationMessagePath, " +
  "20 terminationMessagePolicy, 14 imagePullPolicy, 15 securityContext:SecurityContext, 16 stdin:bool, " +
  "17 stdinOnce:bool, 18 tty:bool";

/** k8s.io/api/core/v1: Pod, PodSpec and everything a pod template holds. */
export const podMessages: MessageTable = {
  Pod: "1 metadata:ObjectMeta, 2 spec:PodSpec, 3 status:PodStatus",
  PodTemplate: "1 metadata:ObjectMeta, 2 template:PodTemplateSpec",
  PodTemplateSpec: "1 metadata:ObjectMeta, 2 spec:PodSpec",
  PodStatus:
    "1 phase, 2 conditions:[]PodCondition, 3 message, 4 reason, 11 nominatedNodeName, 5 hostIP, 16 hostIPs:[]HostIP, " +
    "6 podIP, 12 podIPs:[]HostIP, 7 startTime:Time, 9 qosClass, 14 resize",
  PodCondition:
    "1 type!, 2 status!, 3 lastProbeTime:Time, 4 lastTransitionTime:Time, 5 reason, 6 message",
  HostIP: "1 ip!",
  PodSpec:
    "1 volumes:[]Volume, 20 initContainers:[]Container, 2 containers:[]Container~, " +
    "34 ephemeralContainers:[]EphemeralContainer, 3 restartPolicy, 4 terminationGracePeriodSeconds:int64!, " +
    "5 activeDeadlineSeconds:int64!, 6 dnsPolicy, 7 nodeSelector:{}string, 8 serviceAccountName, 9 serviceAccount, " +
    "21 automountServiceAccountToken:bool!, 10 nodeName, 11 hostNetwork:bool, 12 hostPID:bool, 13 hostIPC:bool, " +
    "27 shareProcessNamespace:bool!, 14 securityContext:PodSecurityContext, 15 imagePullSecrets:[]LocalObjectReference, " +
    "16 hostname, 17 subdomain, 18 affinity:Affinity, 19 schedulerName, 22 tolerations:[]Toleration, " +
    "23 hostAliases:[]HostAlias, 24 priorityClassName, 25 priority:int32!, 26 dnsConfig:PodDNSConfig, " +
    "28 readinessGates:[]PodReadinessGate, 29 runtimeClassName!, 30 enableServiceLinks:bool!, 31 preemptionPolicy!, " +
    "32 overhead:{}Quantity, 33 topologySpreadConstraints:[]TopologySpreadConstraint, 35 setHostnameAsFQDN:bool!, " +
    "36 os:PodOS, 37 hostUsers:bool!, 38 schedulingGates:[]PodSchedulingGate, 39 resourceClaims:[]PodResourceClaim, " +
    "40 resources:ResourceRequirements",
  Container: containerFields,
  EphemeralContainer: "1 ephemeralContainerCommon:EphemeralContainerCommon^, 2 targetContainerName",
  EphemeralContainerCommon: containerFields,
  ContainerPort: "1 name, 2 hostPort:int32, 3 containerPort:int32!, 4 protocol, 5 hostIP",
  EnvVar: "1 name!, 2 value, 3 valueFrom:EnvVarSource",
  EnvVarSource:
    "1 fieldRef:ObjectFieldSelector, 2 resourceFieldRef:ResourceFieldSelector, " +
    "3 configMapKeyRef:ConfigMapKeySelector, 4 secretKeyRef:SecretKeySelector",
  ObjectFieldSelector: "1 apiVersion, 2 fieldPath!",
  ResourceFieldSelector: "1 containerName, 2 resource!, 3 divisor:Quantity",
  ConfigMapKeySelector: "1 localObjectReference:LocalObjectReference^, 2 key!, 3 optional:bool!",
  SecretKeySelector: "1 localObjectReference:LocalObjectReference^, 2 key!, 3 optional:bool!",
  EnvFromSource: "1 prefix, 2 configMapRef:ConfigMapEnvSource, 3 secretRef:SecretEnvSource",
  ConfigMapEnvSource: "1 localObjectReference:LocalObjectReference^, 2 optional:bool!",
  SecretEnvSource: "1 localObjectReference:LocalObjectReference^, 2 optional:bool!",
  ResourceRequirements: "1 limits:{}Quantity, 2 requests:{}Quantity, 3 claims:[]ResourceClaim",
  ResourceClaim: "1 name!, 2 request",
  ContainerResizePolicy: "1 resourceName!, 2 restartPolicy!",
  VolumeMount:
    "1 name!, 2 readOnly:bool, 7 recursiveReadOnly!, 3 mountPath!, 4 subPath, 5 mountPropagation!, 6 subPathExpr",
  VolumeDevice: "1 name!, 2 devicePath!",
  Probe:
    "1 handler:ProbeHandler^, 2 initialDelaySeconds:int32, 3 timeoutSeconds:int32, 4 periodSeconds:int32, " +
    "5 successThreshold:int32, 6 failureThreshold:int32, 7 terminationGracePeriodSeconds:int64!",
  ProbeHandler: "1 exec:ExecAction, 2 httpGet:HTTPGetAction, 3 tcpSocket:TCPSocketAction, 4 grpc:GRPCAction",
  ExecAction: "1 command:[]string",
  HTTPGetAction: "1 path, 2 port:IntOrString, 3 host, 4 scheme, 5 httpHeaders:[]HTTPHeader",
  HTTPHeader: "1 name!, 2 value!",
  TCPSocketAction: "1 port:IntOrString, 2 host",
  GRPCAction: "1 port:int32!, 2 service~",
  Lifecycle: "1 postStart:LifecycleHandler, 2 preStop:LifecycleHandler",
  LifecycleHandler: "1 exec:ExecAction, 2 httpGet:HTTPGetAction, 3 tcpSocket:TCPSocketAction, 4 sleep:SleepAction",
  SleepAction: "1 seconds:int64!",
  SecurityContext:
    "1 capabilities:Capabilities, 2 privileged:bool!, 3 seLinuxOptions:SELinuxOptions, " +
    "10 windowsOptions:WindowsSecurityContextOptions, 4 runAsUser:int64!, 8 runAsGroup:int64!, 5 runAsNonRoot:bool!, " +
    "6 readOnlyRootFilesystem:bool!, 7 allowPrivilegeEscalation:bool!, 9 procMount!, 11 seccompProfile:SeccompProfile, " +
    "12 appArmorProfile:AppArmorProfile",
  Capabilities: "1 add:[]string, 2 drop:[]string",
  PodSecurityContext:
    "1 seLinuxOptions:SELinuxOptions, 8 windowsOptions:WindowsSecurityContextOptions, 2 runAsUser:int64!, " +
    "6 runAsGroup:int64!, 3 runAsNonRoot:bool!, 4 supplementalGroups:[]int64, 12 supplementalGroupsPolicy!, " +
    "5 fsGroup:int64!, 7 sysctls:[]Sysctl, 9 fsGroupChangePolicy!, 10 seccompProfile:SeccompProfile, " +
    "11 appArmorProfile:AppArmorProfile, 13 seLinuxChangePolicy!",
  SELinuxOptions: "1 user, 2 role, 3 type, 4 level",
  SeccompProfile: "1 type!, 2 localhostProfile!",
  AppArmorProfile: "1 type!, 2 localhostProfile!",
  WindowsSecurityContextOptions: "1 gmsaCredentialSpecName!, 2 gmsaCredentialSpec!, 3 runAsUserName!, 4 hostProcess:bool!",
  Sysctl: "1 name!, 2 value!",
  Toleration: "1 key, 2 operator, 3 value, 4 effect, 5 tolerationSeconds:int64!",
  HostAlias: "1 ip, 2 hostnames:[]string",
  PodDNSConfig: "1 nameservers:[]string, 2 searches:[]string, 3 options:[]PodDNSConfigOption",
  PodDNSConfigOption: "1 name, 2 value!",
  PodReadinessGate: "1 conditionType!",
  PodOS: "1 name!",
  PodSchedulingGate: "1 name!",
  PodResourceClaim: "1 name!, 3 resourceClaimName!, 4 resourceClaimTemplateName!",
  Affinity: "1 nodeAffinity:NodeAffinity, 2 podAffinity:PodAffinity, 3 podAntiAffinity:PodAffinity",
  NodeAffinity:
    "1 requiredDuringSchedulingIgnoredDuringExecution:NodeSelector, " +
    "2 preferredDuringSchedulingIgnoredDuringExecution:[]PreferredSchedulingTerm",
  // PodAntiAffinity has the same fields as PodAffinity.
  PodAffinity:
    "1 requiredDuringSchedulingIgnoredDuringExecution:[]PodAffinityTerm, " +
    "2 preferredDuringSchedulingIgnoredDuringExecution:[]WeightedPodAffinityTerm",
  NodeSelector: "1 nodeSelectorTerms:[]NodeSelectorTerm~",
  NodeSelectorTerm: "1 matchExpressions:[]NodeSelectorRequirement, 2 matchFields:[]NodeSelectorRequirement",
  NodeSelectorRequirement: "1 key!, 2 operator!, 3 values:[]string",
  PreferredSchedulingTerm: "1 weight:int32!, 2 preference:NodeSelectorTerm",
  WeightedPodAffinityTerm: "1 weight:int32!, 2 podAffinityTerm:PodAffinityTerm",
  PodAffinityTerm:
    "1 labelSelector:LabelSelector, 2 namespaces:[]string, 3 topologyKey!, 4 namespaceSelector:LabelSelector, " +
    "5 matchLabelKeys:[]string, 6 mismatchLabelKeys:[]string",
  TopologySpreadConstraint:
    "1 maxSkew:int32!, 2 topologyKey!, 3 whenUnsatisfiable!, 4 labelSelector:LabelSelector, 5 minDomains:int32!, " +
    "6 nodeAffinityPolicy!, 7 nodeTaintsPolicy!, 8 matchLabelKeys:[]string",

  Volume: "1 name!, 2 volumeSource:VolumeSource^",
  VolumeSource:
    "1 hostPath:HostPathVolumeSource, 2 emptyDir:EmptyDirVolumeSource, 6 secret:SecretVolumeSource, " +
    "7 nfs:NFSVolumeSource, 10 persistentVolumeClaim:PersistentVolumeClaimVolumeSource, " +
    "16 downwardAPI:DownwardAPIVolumeSource, 19 configMap:ConfigMapVolumeSource, 26 projected:ProjectedVolumeSource, " +
    "28 csi:CSIVolumeSource, 29 ephemeral:EphemeralVolumeSource, 30 image:ImageVolumeSource",
  HostPathVolumeSource: "1 path!, 2 type!",
  EmptyDirVolumeSource: "1 medium, 2 sizeLimit:Quantity",
  SecretVolumeSource: "1 secretName, 2 items:[]KeyToPath, 3 defaultMode:int32!, 4 optional:bool!",
  KeyToPath: "1 key!, 2 path!, 3 mode:int32!",
  NFSVolumeSource: "1 server!, 2 path!, 3 readOnly:bool",
  PersistentVolumeClaimVolumeSource: "1 claimName!, 2 readOnly:bool",
  DownwardAPIVolumeSource: "1 items:[]DownwardAPIVolumeFile, 2 defaultMode:int32!",
  DownwardAPIVolumeFile:
    "1 path!, 2 fieldRef:ObjectFieldSelector, 3 resourceFieldRef:ResourceFieldSelector, 4 mode:int32!",
  ConfigMapVolumeSource:
    "1 localObjectReference:LocalObjectReference^, 2 items:[]KeyToPath, 3 defaultMode:int32!, 4 optional:bool!",
  ProjectedVolumeSource: "1 sources:[]VolumeProjection~, 2 defaultMode:int32!",
  VolumeProjection:
    "1 secret:SecretProjection, 2 downwardAPI:DownwardAPIProjection, 3 configMap:ConfigMapProjection, " +
    "4 serviceAccountToken:ServiceAccountTokenProjection",
  SecretProjection: "1 localObjectReference:LocalObjectReference^, 2 items:[]KeyToPath, 4 optional:bool!",
  ConfigMapProjection: "1 localObjectReference:LocalObjectReference^, 2 items:[]KeyToPath, 4 optional:bool!",
  DownwardAPIProjection: "1 items:[]DownwardAPIVolumeFile",
  ServiceAccountTokenProjection: "1 audience, 2 expirationSeconds:int64!, 3 path!",
  CSIVolumeSource:
    "1 driver!, 2 readOnly:bool!, 3 fsType!, 4 volumeAttributes:{}string, 5 nodePublishSecretRef:LocalObjectReference",
  EphemeralVolumeSource: "1 volumeClaimTemplate:PersistentVolumeClaimTemplate",
  ImageVolumeSource: "1 reference, 2 pullPolicy",
};
