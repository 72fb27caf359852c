import type { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { SchemaRegistry } from "./schema.js";

/** A body that is not valid protobuf for the schema, or that the emulator cannot decode. */
export class KubernetesProtobufError extends Error {
  constructor(
    message: string,
    /** `Unsupported`: a well-formed body the emulator has no table for; `Malformed`: broken bytes. */
    readonly reason: "Unsupported" | "Malformed",
  ) {
    super(message);
    this.name = "KubernetesProtobufError";
  }
}

export interface DecodeContext {
  readonly schemas: SchemaRegistry;
  /** Warnings for skipped fields, in reading order. */
  readonly unknownFields: string[];
}

export const protobufMagic = Uint8Array.of(0x6b, 0x38, 0x73, 0x00); // "k8s\0"

export function hasMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && protobufMagic.every((byte, i) => bytes[i] === byte);
}

export function readTag(reader: BinaryReader, path: string): [number, WireType] {
  const [number, wireType] = guard(() => reader.tag(), path);
  if (number <= 0) throw malformed(`${describePath(path)}: invalid field number ${number}`);
  return [number, wireType];
}

/** Records a field no table knows and skips over it. */
export function skipUnknown(ctx: DecodeContext, reader: BinaryReader, owner: string, number: number, wireType: WireType, path: string): void {
  ctx.unknownFields.push(`${owner} field ${number} (wire type ${wireType}) at ${describePath(path)}`);
  guard(() => reader.skip(wireType, number), path);
}

/** Runs a reader call, turning its range and encoding errors into Malformed errors with a path. */
export function guard<T>(read: () => T, path: string): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof KubernetesProtobufError) throw err;
    throw malformed(`${describePath(path)}: ${(err as Error).message}`);
  }
}

export function malformed(message: string): KubernetesProtobufError {
  return new KubernetesProtobufError(`malformed protobuf body: ${message}`, "Malformed");
}

export function describePath(path: string): string {
  return path === "" ? "<root>" : path;
}
