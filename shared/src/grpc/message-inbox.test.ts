import { describe, expect, it } from "vitest";
import { MessageInbox } from "./message-inbox.js";

function flowRecorder() {
  const events: string[] = [];
  return { events, flow: { pause: () => events.push("pause"), resume: () => events.push("resume") } };
}

async function drain<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("MessageInbox", () => {
  it("hands out pushed messages in order, then ends when closed", async () => {
    const inbox = new MessageInbox<number>(flowRecorder().flow);
    inbox.push(1);
    inbox.push(2);
    const drained = drain(inbox);
    inbox.push(3);
    inbox.close();
    expect(await drained).toEqual([1, 2, 3]);
  });

  it("throws the close error only after the buffered messages", async () => {
    const inbox = new MessageInbox<number>(flowRecorder().flow);
    inbox.push(1);
    inbox.close(new Error("stream failed"));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const n of inbox) seen.push(n);
      })(),
    ).rejects.toThrow("stream failed");
    expect(seen).toEqual([1]);
  });

  it("pauses the source at the high-water mark and resumes it once half drained", async () => {
    const { events, flow } = flowRecorder();
    const inbox = new MessageInbox<number>(flow, { highWaterMark: 4 });
    for (let i = 0; i < 4; i++) inbox.push(i);
    expect(events).toEqual(["pause"]);
    const iterator = inbox[Symbol.asyncIterator]();
    await iterator.next();
    expect(events).toEqual(["pause"]);
    await iterator.next();
    expect(events).toEqual(["pause", "resume"]);
  });

  it("calls onReturn once when the consumer stops early, and drops what was buffered", async () => {
    let returns = 0;
    const inbox = new MessageInbox<number>(flowRecorder().flow, { onReturn: () => returns++ });
    inbox.push(1);
    inbox.push(2);
    for await (const _ of inbox) break;
    inbox.push(3);
    expect(returns).toBe(1);
    expect(inbox.closed).toBe(true);
  });

  it("does not call onReturn when the source had already ended", async () => {
    let returns = 0;
    const inbox = new MessageInbox<number>(flowRecorder().flow, { onReturn: () => returns++ });
    inbox.push(1);
    inbox.close();
    for await (const _ of inbox) break;
    expect(returns).toBe(0);
  });

  it("can be iterated only once", () => {
    const inbox = new MessageInbox<number>(flowRecorder().flow);
    inbox[Symbol.asyncIterator]();
    expect(() => inbox[Symbol.asyncIterator]()).toThrow("only once");
  });
});
