import { create, toBinary } from "@bufbuild/protobuf";
import { AgentMessageSchema, type TaskResultReport } from "@lifeboat/proto";
import type { AgentMessageInit } from "./hub-session.js";

/** Encoded size of a message, to check against max_message_bytes before grpc-js refuses it. */
export function messageSize(message: AgentMessageInit): number {
  return toBinary(AgentMessageSchema, create(AgentMessageSchema, message)).byteLength;
}

/**
 * What to send instead of a result too large for the stream: the attempt fails INVALID_ARGUMENT
 * naming the limit, so the hub records why rather than waiting out the lease again and again.
 */
export function oversizedResult(report: TaskResultReport, size: number, maxMessageBytes: number): AgentMessageInit {
  return {
    kind: {
      case: "result",
      value: {
        taskId: report.taskId,
        attempt: report.attempt,
        outcome: {
          case: "error",
          value: {
            code: "INVALID_ARGUMENT",
            message: `the result of task ${report.taskId} is ${size} bytes, over the stream's limit of ${maxMessageBytes} (max_message_bytes)`,
            field: "max_message_bytes",
            value: String(maxMessageBytes),
          },
        },
      },
    },
  };
}
