import { describe, expect, it } from "vitest";
import { OutputTail } from "./output-tail.js";

function write(tail: OutputTail, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => tail.write(chunk, (err) => (err ? reject(err) : resolve())));
}

describe("hook output", () => {
  it("keeps short output whole", async () => {
    const tail = new OutputTail(16);
    await write(tail, "flushed\n");
    expect(tail.text()).toBe("flushed\n");
  });

  it("keeps only the last bytes of long output", async () => {
    const tail = new OutputTail(8);
    await write(tail, "0123456789");
    await write(tail, "abc");
    expect(tail.text()).toBe("6789abc".padStart(8, "5"));
  });

  it("drops a character cut in two at the start", async () => {
    const tail = new OutputTail(5);
    await write(tail, "ééé"); // 6 bytes: the first é loses its first byte
    expect(tail.text()).toBe("éé");
  });
});
