-- Cancels a queued or leased task. A leased task's holder learns of it through the cancel
-- channel, whichever replica holds its stream; any later result from it is refused.
-- ARGV[4] task id, [5] reason
-- Returns {"ok", task}, {"duplicate", task} (already cancelled), {"refused", task}
-- (already completed or failed) or {"missing"}.
local id, reason = ARGV[4], ARGV[5]

local t = loadTask(id)
if not t then return { "missing" } end
if t.state == "cancelled" then return { "duplicate", flatTask(t) } end
if t.state ~= "queued" and t.state ~= "leased" then return { "refused", flatTask(t) } end

local wasLeased = t.state == "leased"
if wasLeased then
  redis.call("ZREM", keyLeases(), id)
  dropFields(t, { "leaseExpiresAt" })
else
  redis.call("LREM", keyQueue(t.clusterId), 1, id)
end
changeState(t, "cancelled", { "errorCode", "CANCELLED", "errorMessage", reason })
appendEvent("cancelled", t, { "errorCode", "CANCELLED", "errorMessage", reason })
if wasLeased then
  redis.call("PUBLISH", channelCancel(), cjson.encode({ taskId = id, owner = t.leaseOwner, reason = reason }))
end
return { "ok", flatTask(t) }
