import { describe, expect, it } from "vitest";
import { formatRfc3339Nano, LogBook, renderLine, type LogLine } from "./log-book.js";

const text = (lines: LogLine[]) => Buffer.concat(lines.map((l) => l.data)).toString();

describe("LogBook", () => {
  it("keeps what a command printed as lines, stdout and stderr in arrival order, a partial last line on end", () => {
    const book = new LogBook();
    const out = book.writer("uid-1", "app", "stdout");
    const err = book.writer("uid-1", "app", "stderr");
    out.write(Buffer.from("one\ntw"));
    err.write(Buffer.from("oops\n"));
    out.write(Buffer.from("o\nthree"));
    out.end();
    err.end();
    const lines = book.read("uid-1", "app");
    expect(lines.map((l) => [l.stream, l.data.toString()])).toEqual([
      ["stdout", "one\n"],
      ["stderr", "oops\n"],
      ["stdout", "two\n"],
      ["stdout", "three"],
    ]);
    expect(book.read("uid-1", "other")).toEqual([]);
    expect(book.read("uid-2", "app")).toEqual([]);
  });

  it("answers tailLines and sinceTime", async () => {
    const book = new LogBook();
    const w = book.writer("u", "c", "stdout");
    w.write(Buffer.from("a\nb\n"));
    await new Promise((r) => setTimeout(r, 5));
    const mark = Date.now();
    await new Promise((r) => setTimeout(r, 2));
    w.write(Buffer.from("c\n"));
    expect(text(book.read("u", "c", { tailLines: 2 }))).toBe("b\nc\n");
    expect(text(book.read("u", "c", { tailLines: 0 }))).toBe("");
    expect(text(book.read("u", "c", { sinceMs: mark }))).toBe("c\n");
  });

  it("keeps only the newest maxBytes of a container", () => {
    const book = new LogBook(10);
    const w = book.writer("u", "c", "stdout");
    for (let i = 0; i < 5; i++) w.write(Buffer.from(`line${i}\n`));
    expect(text(book.read("u", "c"))).toBe("line4\n");
  });

  it("tells followers each new line, and ends them when the pod is forgotten", () => {
    const book = new LogBook();
    const seen: string[] = [];
    let ended = false;
    const stop = book.follow("u", "c", { line: (l) => seen.push(l.data.toString()), end: () => (ended = true) });
    const w = book.writer("u", "c", "stderr");
    w.write(Buffer.from("x\ny\n"));
    stop();
    w.write(Buffer.from("z\n"));
    expect(seen).toEqual(["x\n", "y\n"]);
    book.follow("u", "c", { line: () => {}, end: () => (ended = true) });
    book.forgetPod("u");
    expect(ended).toBe(true);
    expect(book.read("u", "c")).toEqual([]);
  });
});

describe("timestamps", () => {
  it("are RFC3339Nano in UTC without trailing zeros", () => {
    expect(formatRfc3339Nano(1_700_000_000_123_456_789n)).toBe("2023-11-14T22:13:20.123456789Z");
    expect(formatRfc3339Nano(1_700_000_000_120_000_000n)).toBe("2023-11-14T22:13:20.12Z");
    expect(formatRfc3339Nano(1_700_000_000_000_000_000n)).toBe("2023-11-14T22:13:20Z");
    expect(renderLine({ timeNs: 1_700_000_000_000_000_000n, stream: "stdout", data: Buffer.from("hi\n") }, true).toString()).toBe("2023-11-14T22:13:20Z hi\n");
  });
});
