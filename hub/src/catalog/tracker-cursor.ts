// The trackers' shared cursor in Redis: the id of the last event of the log any tracker of one
// kind has applied, so a restarted hub resumes where the fleet of hubs left off.
import type { Redis } from "ioredis";

// Moves the shared cursor forward only: a lagging tracker never sends the others back.
const ADVANCE_SCRIPT = `
local function parse(id)
  local ms, seq = string.match(id, "^(%d+)-?(%d*)$")
  return tonumber(ms), tonumber(seq) or 0
end
local current = redis.call("GET", KEYS[1])
if current then
  local a, b = parse(current)
  local c, d = parse(ARGV[1])
  if a > c or (a == c and b >= d) then return 0 end
end
redis.call("SET", KEYS[1], ARGV[1])
return 1
`;

/** The cursor at `key` ("0" before the first event). */
export async function readCursor(redis: Redis, key: string): Promise<string> {
  return (await redis.get(key)) ?? "0";
}

/** Moves the cursor at `key` to `eventId`, unless it is already there or past it. */
export async function advanceCursor(redis: Redis, key: string, eventId: string): Promise<void> {
  await redis.eval(ADVANCE_SCRIPT, 1, key, eventId);
}
