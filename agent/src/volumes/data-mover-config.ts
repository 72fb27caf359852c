import { DEFAULT_AGENT_NAMESPACE } from "./contract.js";
import { DEFAULT_MOVER_IMAGE } from "./mover-pod.js";

/** How the cluster agent runs volume copies; the agent's options may change any of it. */
export interface DataMoverConfig {
  /** Where the VolumeBackups, VolumeRestores and the task's repository Secret are. */
  namespace: string;
  /** The image of data-mover pods (they only mount a claim and sleep). */
  moverImage: string;
  /** How long a copy may go without progress, and a snapshot or mover pod may take to be ready. */
  stallTimeoutMs: number;
}

export const DEFAULT_DATA_MOVER: DataMoverConfig = {
  namespace: DEFAULT_AGENT_NAMESPACE,
  moverImage: DEFAULT_MOVER_IMAGE,
  stallTimeoutMs: 10 * 60_000,
};
