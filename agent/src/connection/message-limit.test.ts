import { create } from "@bufbuild/protobuf";
import { TaskResultReportSchema } from "@lifeboat/proto";
import { describe, expect, it } from "vitest";
import { messageSize, oversizedResult } from "./message-limit.js";

describe("message limits", () => {
  it("measures a message as encoded, growing with its contents", () => {
    const small = messageSize({ kind: { case: "inventory", value: { namespaces: [{ name: "a" }] } } });
    const large = messageSize({ kind: { case: "inventory", value: { namespaces: Array.from({ length: 1000 }, (_, i) => ({ name: `ns-${i}` })) } } });
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(1000 * 6);
  });

  it("replaces a result too large to send with an INVALID_ARGUMENT error naming the limit, for the same attempt", () => {
    const report = create(TaskResultReportSchema, { taskId: "t-1", attempt: 4 });
    expect(oversizedResult(report, 20_000_000, 16_777_216)).toMatchObject({
      kind: {
        case: "result",
        value: {
          taskId: "t-1",
          attempt: 4,
          outcome: { case: "error", value: { code: "INVALID_ARGUMENT", field: "max_message_bytes", value: "16777216" } },
        },
      },
    });
  });
});
