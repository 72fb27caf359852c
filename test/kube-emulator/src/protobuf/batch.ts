import type { KindTable, MessageTable } from "./schema.js";

/** k8s.io/api/batch/v1; batch/v1beta1 CronJob has the same field numbers and embeds the batch/v1 JobSpec. */
export const batchMessages: MessageTable = {
  Job: "1 metadata:ObjectMeta, 2 spec:JobSpec, 3 status:JobStatus",
  JobSpec:
    "1 parallelism:int32!, 2 completions:int32!, 3 activeDeadlineSeconds:int64!, 11 podFailurePolicy:PodFailurePolicy, " +
    "16 successPolicy:SuccessPolicy, 7 backoffLimit:int32!, 12 backoffLimitPerIndex:int32!, 13 maxFailedIndexes:int32!, " +
    "4 selector:LabelSelector, 5 manualSelector:bool!, 6 template:PodTemplateSpec, 8 ttlSecondsAfterFinished:int32!, " +
    "9 completionMode!, 10 suspend:bool!, 14 podReplacementPolicy!, 15 managedBy!",
  PodFailurePolicy: "1 rules:[]PodFailurePolicyRule~",
  PodFailurePolicyRule:
    "1 action!, 2 onExitCodes:PodFailurePolicyOnExitCodesRequirement, 3 onPodConditions:[]PodFailurePolicyOnPodConditionsPattern~",
  PodFailurePolicyOnExitCodesRequirement: "1 containerName!, 2 operator!, 3 values:[]int32~",
  PodFailurePolicyOnPodConditionsPattern: "1 type!, 2 status!",
  SuccessPolicy: "1 rules:[]SuccessPolicyRule~",
  SuccessPolicyRule: "1 succeededIndexes!, 2 succeededCount:int32!",
  JobStatus:
    "1 conditions:[]JobCondition, 2 startTime:Time, 3 completionTime:Time, 4 active:int32, 5 succeeded:int32, " +
    "6 failed:int32, 11 terminating:int32!, 7 completedIndexes, 10 failedIndexes!, " +
    "8 uncountedTerminatedPods:UncountedTerminatedPods, 9 ready:int32!",
  JobCondition: "1 type!, 2 status!, 3 lastProbeTime:Time, 4 lastTransitionTime:Time, 5 reason, 6 message",
  UncountedTerminatedPods: "1 succeeded:[]string, 2 failed:[]string",

  CronJob: "1 metadata:ObjectMeta, 2 spec:CronJobSpec, 3 status:CronJobStatus",
  CronJobSpec:
    "1 schedule!, 8 timeZone!, 2 startingDeadlineSeconds:int64!, 3 concurrencyPolicy, 4 suspend:bool!, " +
    "5 jobTemplate:JobTemplateSpec, 6 successfulJobsHistoryLimit:int32!, 7 failedJobsHistoryLimit:int32!",
  JobTemplateSpec: "1 metadata:ObjectMeta, 2 spec:JobSpec",
  CronJobStatus: "1 active:[]ObjectReference, 4 lastScheduleTime:Time, 5 lastSuccessfulTime:Time",
};

export const batchKinds: KindTable = {
  "batch/v1 Job": "Job",
  "batch/v1 CronJob": "CronJob",
  "batch/v1beta1 CronJob": "CronJob",
};
