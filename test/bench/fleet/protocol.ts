// Messages between the benchmark (parent) and a load-generator process over Node's IPC channel.
// Each request carries an id; the generator answers it once, with the same id.

export interface GeneratorConfig {
  /** Which generator this is (0-based); named in cluster names and errors. */
  index: number;
  hubAddress: string;
  caCertificatePem: string;
  maxMessageBytes: number;
}

export type GeneratorRequest =
  | { id: number; op: "register"; tokens: string[]; concurrency: number }
  | { id: number; op: "connect"; concurrency: number; heartbeatIntervalMs: number; credits: number }
  | { id: number; op: "record-heartbeats"; on: boolean }
  | { id: number; op: "status" }
  | { id: number; op: "stop" };

export interface RegisterReply {
  registered: number;
  /** Wall time of this generator's registrations, ms. */
  ms: number;
}

export interface ConnectReply {
  /** Streams welcomed. */
  welcomed: number;
  ms: number;
}

export interface HeartbeatReply {
  /** Round trips recorded since recording was switched on, microseconds. */
  roundTripsUs: number[];
  /** Heartbeats sent while recording whose ack had not come when recording stopped. */
  unanswered: number;
  /** This generator's own event-loop delay while recording, ms (how much of a round trip may be its own lag). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface StatusReply {
  open: number;
  welcomed: number;
  tasksCompleted: number;
  cancels: number;
  /** Streams that ended, with their error messages (first few). */
  ended: number;
  errors: string[];
  rssBytes: number;
}

export type GeneratorReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string };
