-- Extends a lease held by `owner` to now + leaseMs, recording progress when given.
-- A lease that has expired but not yet been swept is still the owner's: nobody else has it.
-- ARGV[4] task id, [5] owner, [6] lease ms, [7] progress (encoded, "" for none), [8] attempt ("" for any)
-- Returns {"ok", task}, {"refused", task} or {"missing"}.
local id, owner, leaseMs, progress, attempt = ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8]

local t = loadTask(id)
if not t then return { "missing" } end
if t.state ~= "leased" or not isHeldBy(t, owner, attempt) then return { "refused", flatTask(t) } end

local deadline = int(NOW + leaseMs)
redis.call("ZADD", keyLeases(), deadline, id)
if progress == "" then
  setFields(t, { "leaseExpiresAt", deadline, "updatedAt", int(NOW) })
else
  setFields(t, { "leaseExpiresAt", deadline, "updatedAt", int(NOW), "progress", progress })
  appendEvent("progress", t, { "progress", progress, "leaseExpiresAt", deadline })
end
return { "ok", flatTask(t) }
