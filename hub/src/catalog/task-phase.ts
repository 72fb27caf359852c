// What one change of a task makes of the record it drives (a backup, a restore): a pure function
// of the record and the change, so every hub applying the same change writes the same record. The
// steps are the same for every kind; what a kind's progress and result look like is in TaskPhaseRules.
import { clone, fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { timestampFromMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import { TaskResultSchema, type TaskProgress, type TaskResult } from "@lifeboat/proto";
import { progressOf } from "../grpc/wire-task.js";
import type { TaskPayload } from "../queue/index.js";
import type { TaskChange } from "./task-change.js";

/** The fields of a task-driven record that its task's changes set. */
export interface TaskDrivenRecord {
  $typeName: string;
  phase: number;
  failureReason: string;
  validationErrors: string[];
  progress?: unknown;
  startTime?: Timestamp;
  completionTime?: Timestamp;
}

/** Fields of `R` to change (proto messages are not spread). */
export type RecordFields<R> = Partial<Omit<R, "$typeName">>;

export interface TaskPhaseRules<R extends TaskDrivenRecord> {
  /** "backup": names the task and the result in failure reasons. */
  noun: string;
  schema: GenMessage<R>;
  /** Phases a task change never leaves: the run is over, or the record is being deleted. */
  settled: ReadonlySet<R["phase"]>;
  inProgress: R["phase"];
  failed: R["phase"];
  failedValidation: R["phase"];
  /** Agent error codes that say the spec cannot work on this cluster, rather than that the run broke. */
  validationCodes: ReadonlySet<string>;
  /** The record's progress message from an agent's report. */
  progress(reported: TaskProgress, at: number): R["progress"];
  /**
   * What a completed task's result makes of the record (its phase and what the run found), or
   * undefined when the result is not this kind's: the record then FAILS. An unset start or
   * completion time is taken from the record or the change.
   */
  completed(record: R, result: TaskResult | undefined): RecordFields<R> | undefined;
}

/** A copy of `record` with `fields` changed (proto messages are not spread). */
export function changedRecord<R extends TaskDrivenRecord>(schema: GenMessage<R>, record: R, fields: RecordFields<R>): R {
  const copy = clone(schema as DescMessage, record as unknown as MessageShape<DescMessage>) as unknown as R;
  return Object.assign(copy, fields);
}

/** A counter of a progress report; absent or negative reads as 0. */
export function progressCounter(reported: TaskProgress, name: string): bigint {
  const value = reported.counters[name];
  return value !== undefined && value > 0n ? value : 0n;
}

function decodeResult(payload: TaskPayload | undefined): TaskResult | undefined {
  if (!(payload instanceof Uint8Array)) return undefined;
  try {
    return fromBinary(TaskResultSchema, payload);
  } catch {
    return undefined;
  }
}

/** The function that applies a task change to a record of the kind `rules` describe. */
export function taskPhaseApplier<R extends TaskDrivenRecord>(rules: TaskPhaseRules<R>): (record: R, change: TaskChange) => R | undefined {
  const changed = (record: R, fields: RecordFields<R>): R => changedRecord(rules.schema, record, fields);
  const fields = (f: Partial<TaskDrivenRecord>): RecordFields<R> => f as RecordFields<R>;

  function running(record: R, change: TaskChange): R {
    const reported = progressOf(change.progress);
    const progress = reported ? rules.progress(reported, change.at) : record.progress;
    return changed(record, fields({ phase: rules.inProgress, progress, startTime: record.startTime ?? timestampFromMs(change.at) }));
  }

  function completed(record: R, change: TaskChange): R {
    const done = rules.completed(record, decodeResult(change.result)) as Partial<TaskDrivenRecord> | undefined;
    const end = timestampFromMs(change.at);
    if (!done) return changed(record, fields({ phase: rules.failed, failureReason: `the agent completed the ${rules.noun} task without a ${rules.noun} result`, progress: undefined, completionTime: end }));
    return changed(record, fields({ ...done, progress: undefined, startTime: done.startTime ?? record.startTime ?? end, completionTime: done.completionTime ?? end }));
  }

  function failed(record: R, change: TaskChange): R {
    const message = change.error?.message || `the ${rules.noun} task failed without a reason`;
    const end = { progress: undefined, completionTime: timestampFromMs(change.at) };
    if (change.error && rules.validationCodes.has(change.error.code)) return changed(record, fields({ phase: rules.failedValidation, validationErrors: [message], ...end }));
    return changed(record, fields({ phase: rules.failed, failureReason: message, ...end }));
  }

  return (record, change) => {
    if (rules.settled.has(record.phase)) return undefined;
    switch (change.state) {
      case "queued":
        return undefined; // waiting (again, after a failed attempt): nothing new to show
      case "leased":
        return running(record, change);
      case "completed":
        return completed(record, change);
      case "failed":
        return failed(record, change);
      case "cancelled":
        return changed(record, fields({ phase: rules.failed, failureReason: `cancelled: ${change.error?.message || "no reason given"}`, progress: undefined, completionTime: timestampFromMs(change.at) }));
    }
  };
}
