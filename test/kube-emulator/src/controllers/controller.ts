import type { ObjectService } from "../api/object-service.js";
import type { ControllerClient } from "./client.js";
import type { EventRecorder } from "./events.js";

/** A small control loop over the store's event stream; each can be switched off. */
export interface Controller {
  readonly name: string;
  start(): void;
  stop(): void;
  /** After stop: resolves once background work that touches the data directory has ended. */
  settle?(): Promise<void>;
}

/** Knobs of the living-cluster controllers; every field has a default (see defaultControllerSettings). */
export interface ControllerSettings {
  /**
   * How fast CronJob schedules run: 1 is real time, 60 makes a minute pass each second,
   * 0 switches CronJobs off (no Job is ever created).
   */
  cronJobTimeScale: number;
  /** How long a pod of a run-to-completion Job "runs" before it succeeds, in ms. */
  jobPodRunMs: number;
  /**
   * How long the Job controller waits before replacing a failed pod, in ms; doubled with each
   * further failure up to 36 times this (upstream: 10 s, at most 6 minutes).
   */
  jobBackoffMs: number;
  /**
   * How long a node name must stay missing before the pod garbage collector deletes the pods
   * bound to it, in ms (upstream's quarantineTime: 40 s).
   */
  orphanPodQuarantineMs: number;
}

export const defaultControllerSettings: ControllerSettings = {
  cronJobTimeScale: 1,
  jobPodRunMs: 200,
  jobBackoffMs: 10_000,
  orphanPodQuarantineMs: 40_000,
};

export interface ControllerContext {
  service: ObjectService;
  /** Writes through the API's rules, addressed by storage key. */
  client: ControllerClient;
  events: EventRecorder;
  /** Root of the cluster's volume data (provisioned volumes, nodes' kubelet directories); always exists. */
  dataDir: string;
  /** Names of the Node objects the emulator created at start. */
  nodeNames: string[];
  /**
   * PEM of the cluster's CA (kube-controller-manager's --root-ca-file): what token Secrets and
   * kube-root-ca.crt carry as ca.crt. The serving CA with TLS; a CA of its own otherwise.
   */
  caPem: string;
  settings: ControllerSettings;
  /** The snapshot API is installed (EmulatorOptions.volumeSnapshots); its controller runs from 1.20. */
  volumeSnapshots?: boolean;
  log(message: string): void;
}
