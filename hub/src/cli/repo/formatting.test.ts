import { describe, expect, it } from "vitest";
import { parseShare } from "./maintenance-output.js";
import { stripOneNewline } from "./password.js";
import { progressText } from "./progress.js";
import { formatBytes, formatEta, formatSeconds } from "./units.js";

describe("repo CLI formatting", () => {
  it("strips exactly one trailing newline from a password file, keeping spaces", () => {
    expect(stripOneNewline("pw\n")).toBe("pw");
    expect(stripOneNewline("pw\r\n")).toBe("pw");
    expect(stripOneNewline("pw\n\n")).toBe("pw\n");
    expect(stripOneNewline(" pw ")).toBe(" pw ");
  });

  it("reads a share as a percentage or a fraction, refusing 0 and more than all", () => {
    expect(parseShare("10%")).toBe(0.1);
    expect(parseShare("0.25")).toBe(0.25);
    expect(parseShare("100%")).toBe(1);
    for (const bad of ["0%", "0", "150%", "2", "ten", "-5%"]) expect(parseShare(bad)).toBeUndefined();
  });

  it("shows sizes, durations and an ETA only once there is a rate", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.0 GiB");
    expect(formatSeconds(200)).toBe("3m20s");
    expect(formatSeconds(7500)).toBe("2h05m");
    expect(formatEta(50, 100, 500)).toBe("");
    expect(formatEta(50, 100, 10_000)).toBe("ETA 10s");
  });

  it("puts bytes, files, rate and ETA on the progress line", () => {
    const line = progressText({ label: "restore", bytes: 50e6, totalBytes: 100e6, files: 3, totalFiles: 9 }, 10_000);
    expect(line).toBe("restore  47.7 MiB / 95.4 MiB (50%)  3/9 files  5.0 MB/s  ETA 10s");
    expect(progressText({ label: "snapshot", bytes: 0, files: 0 }, 0)).toBe("snapshot  0 B  0 files  -- MB/s");
  });
});
