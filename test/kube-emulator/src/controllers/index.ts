import type { Controller, ControllerContext } from "./controller.js";
import { CrdRegistrar } from "./crd-registrar.js";
import { GarbageCollector } from "./garbage-collector.js";
import { NamespaceLifecycle } from "./namespace-lifecycle.js";
import { DeploymentController } from "./workloads/deployment.js";
import { replicaSetController } from "./workloads/replica-set.js";
import { replicationControllerController } from "./workloads/replication-controller.js";
import { StorageControllers } from "./storage/storage-controllers.js";
import { StatefulSetController } from "./workloads/stateful-set-controller.js";
import { DaemonSetController } from "./workloads/daemon-set-controller.js";
import { JobController } from "./workloads/job-controller.js";
import { CronJobController } from "./workloads/cron-job-controller.js";
import { LoadBalancerController } from "./services/load-balancer.js";
import { EndpointsController } from "./services/endpoints.js";
import { EndpointSliceController } from "./services/endpoint-slices.js";
import { ServiceAccountsController } from "./accounts/service-accounts.js";
import { TokenSecretsController } from "./accounts/token-secrets.js";
import { RootCaPublisher } from "./accounts/root-ca-publisher.js";
import { DisruptionController } from "./policy/disruption.js";
import { PodGarbageCollector } from "./pod-gc.js";
import { Scheduler } from "./scheduler/scheduler.js";
import { Kubelet } from "../kubelet/kubelet.js";

export { type Controller, type ControllerContext, type ControllerSettings, defaultControllerSettings } from "./controller.js";
export { ControllerClient } from "./client.js";
export { EventRecorder } from "./events.js";

/**
 * Every controller the emulator can run, by the name `controllers: [...]` and
 * `--controllers` switch it with. Started in this order.
 */
export const controllerFactories = {
  "crd-registrar": (ctx: ControllerContext): Controller => new CrdRegistrar(ctx),
  "namespace-lifecycle": (ctx: ControllerContext): Controller => new NamespaceLifecycle(ctx),
  "garbage-collector": (ctx: ControllerContext): Controller => new GarbageCollector(ctx),
  replicaset: (ctx: ControllerContext): Controller => replicaSetController(ctx),
  "replication-controller": (ctx: ControllerContext): Controller => replicationControllerController(ctx),
  deployment: (ctx: ControllerContext): Controller => new DeploymentController(ctx),
  "persistent-volume-binder": (ctx: ControllerContext): Controller => new StorageControllers(ctx),
  statefulset: (ctx: ControllerContext): Controller => new StatefulSetController(ctx),
  daemonset: (ctx: ControllerContext): Controller => new DaemonSetController(ctx),
  job: (ctx: ControllerContext): Controller => new JobController(ctx),
  cronjob: (ctx: ControllerContext): Controller => new CronJobController(ctx),
  "service-load-balancer": (ctx: ControllerContext): Controller => new LoadBalancerController(ctx),
  endpoints: (ctx: ControllerContext): Controller => new EndpointsController(ctx),
  endpointslice: (ctx: ControllerContext): Controller => new EndpointSliceController(ctx),
  "service-account": (ctx: ControllerContext): Controller => new ServiceAccountsController(ctx),
  "service-account-token": (ctx: ControllerContext): Controller => new TokenSecretsController(ctx),
  "root-ca-cert-publisher": (ctx: ControllerContext): Controller => new RootCaPublisher(ctx),
  disruption: (ctx: ControllerContext): Controller => new DisruptionController(ctx),
  "pod-gc": (ctx: ControllerContext): Controller => new PodGarbageCollector(ctx),
  scheduler: (ctx: ControllerContext): Controller => new Scheduler(ctx),
  kubelet: (ctx: ControllerContext): Controller => new Kubelet(ctx),
} as const;

export type ControllerName = keyof typeof controllerFactories;
export const controllerNames = Object.keys(controllerFactories) as ControllerName[];
