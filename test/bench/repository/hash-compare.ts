// Content ids are a keyed hash of the plaintext: keyed BLAKE3 or HMAC-SHA-256? Both over the
// two buffer sizes that dominate (a 1 MiB chunk, a 4 KiB small file), one core, one message
// per hasher as the content store would do it.
import { createHmac, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { table } from "../common/report.js";

interface Blake3Hasher {
  update(input: Uint8Array): Blake3Hasher;
  reset(): void;
  digestBuffer(): Buffer;
}
interface Blake3Module {
  Blake3Hasher: { newKeyed(key: Buffer): Blake3Hasher };
}

// Installed for @lifeboat/shared and hoisted to the root node_modules.
function loadBlake3(): Blake3Module {
  const require = createRequire(import.meta.url);
  return require("@napi-rs/blake-hash") as Blake3Module;
}

export interface HashRate {
  algorithm: string;
  bufferBytes: number;
  gbPerS: number;
  perHashUs: number;
  /** CPU time over wall time while hashing: above 1 means the hash used more than one thread. */
  cores: number;
}

function rate(algorithm: string, buffer: Buffer, hash: (b: Buffer) => Buffer, seconds: number): HashRate {
  for (let i = 0; i < 50; i++) hash(buffer); // warm up
  let count = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (let i = 0; i < 16; i++) hash(buffer);
    count += 16;
    elapsed = performance.now() - started;
  }
  const s = elapsed / 1000;
  const used = process.cpuUsage(cpu);
  return { algorithm, bufferBytes: buffer.length, gbPerS: (count * buffer.length) / s / 1e9, perHashUs: (s / count) * 1e6, cores: (used.user + used.system) / 1e6 / s };
}

export function compareHashes(secondsEach = 1): HashRate[] {
  const { Blake3Hasher } = loadBlake3();
  const key = randomBytes(32);
  const out: HashRate[] = [];
  for (const size of [1024 * 1024, 4096]) {
    const buffer = randomBytes(size);
    out.push(rate("keyed BLAKE3 (@napi-rs/blake-hash)", buffer, (b) => Blake3Hasher.newKeyed(key).update(b).digestBuffer(), secondsEach));
    // A hasher per message costs a native object; reset() reuses one (same key).
    const reused = Blake3Hasher.newKeyed(key);
    out.push(
      rate("keyed BLAKE3, hasher reused (reset)", buffer, (b) => {
        reused.reset();
        return reused.update(b).digestBuffer();
      }, secondsEach),
    );
    out.push(rate("HMAC-SHA-256 (node:crypto)", buffer, (b) => createHmac("sha256", key).update(b).digest(), secondsEach));
  }
  return out;
}

export function renderHashes(rates: HashRate[]): string {
  const rows = rates.map((r) => [r.algorithm, r.bufferBytes >= 1024 * 1024 ? `${r.bufferBytes / 1024 / 1024} MiB` : `${r.bufferBytes / 1024} KiB`, r.gbPerS.toFixed(2), r.perHashUs.toFixed(1), r.cores.toFixed(2)]);
  const faster = (size: number) => {
    const same = rates.filter((r) => r.bufferBytes === size).sort((a, b) => b.gbPerS - a.gbPerS);
    const [win, next] = same;
    if (!win || !next) return "";
    return `fastest ${win.algorithm.split(" (")[0]}, ${(win.gbPerS / next.gbPerS).toFixed(1)}× the next`;
  };
  return `### Keyed hash for content ids (one core)\n\n${table(["algorithm", "buffer", "GB/s", "µs per hash", "cores busy"], rows, [false, true, true, true, true])}\n\n1 MiB: ${faster(1024 * 1024)}; 4 KiB: ${faster(4096)}.\n`;
}
