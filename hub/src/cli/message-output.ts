// Output helpers for wire messages, apart from output.ts so commands that print no messages
// (lifeboat repo) do not load protobuf.
import { toJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";

/** A message as the proto JSON mapping has it (enum names, RFC 3339 times, lowerCamel fields). */
export function messageJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): JsonValue {
  return toJson(schema, message);
}

/** A timestamp for a table cell, to the second, in UTC; "" when unset. */
export function formatTime(timestamp: Timestamp | undefined): string {
  if (!timestamp) return "";
  return timestampDate(timestamp).toISOString().replace(/\.\d{3}Z$/, "Z");
}
