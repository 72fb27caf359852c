// Deterministic, incompressible bytes from a seed (xorshift32, low byte per step). The chunker's
// golden tests pin boundaries over these bytes: changing this function changes those pins.
export function seededBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
