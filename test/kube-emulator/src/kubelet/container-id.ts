import { randomBytes } from "node:crypto";

/**
 * containerd's container IDs: 64 random hex digits, as `containerd://<id>` in statuses.
 * Random bytes come from a pool, since one getrandom call per container is costly when
 * thousands of pods start at once.
 */
const idBytes = 32;
const poolIds = 512;
let pool = Buffer.alloc(0);
let offset = 0;

export function newContainerId(): string {
  if (offset + idBytes > pool.length) {
    pool = randomBytes(idBytes * poolIds);
    offset = 0;
  }
  const id = pool.toString("hex", offset, offset + idBytes);
  offset += idBytes;
  return `containerd://${id}`;
}
