import { randomBytes } from "node:crypto";

/**
 * A random certificate serial, lower-case hex: 16 bytes (RFC 5280 allows up to 20; CA/Browser
 * Forum rules want at least 64 random bits). The first byte is kept in 0x01-0x7f so the DER
 * INTEGER is positive and has no leading zero byte, and the hex read back from the certificate is
 * exactly the hex written.
 */
export function newSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString("hex");
}

/** A serial as ClusterCertificate.serial spells it: lower-case hex, no separators. */
export function normalizeSerial(serial: string): string {
  return serial.replace(/[^0-9a-fA-F]/g, "").toLowerCase();
}
