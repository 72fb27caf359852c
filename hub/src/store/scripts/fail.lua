-- Records a failed attempt by the lease holder. A retryable failure with attempts left
-- puts the task back at the head of its cluster's queue; otherwise the task ends failed
-- with the error. Repeating a final failure (same owner, same attempt) changes nothing.
-- ARGV[4] task id, [5] owner, [6] error code, [7] error message, [8] retryable "1"/"0",
-- [9] attempt ("" for any)
-- Returns {"ok", task} (failed), {"requeued", task}, {"duplicate", task}, {"refused", task}
-- or {"missing"}.
local id, owner, code, message, retryable, attempt = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8] == "1", ARGV[9]

local t = loadTask(id)
if not t then return { "missing" } end
if t.state == "failed" and isHeldBy(t, owner, attempt) then return { "duplicate", flatTask(t) } end
if t.state ~= "leased" or not isHeldBy(t, owner, attempt) then return { "refused", flatTask(t) } end

local attempts, maxAttempts = tonumber(t.attempts), tonumber(t.maxAttempts)
if retryable and attempts < maxAttempts then
  markRequeued(t, code, message)
  redis.call("LPUSH", keyQueue(t.clusterId), id)
  redis.call("PUBLISH", channelQueued(), t.clusterId)
  return { "requeued", flatTask(t) }
end

if retryable then
  message = message .. " (gave up after " .. t.attempts .. " attempts)"
end
markFailed(t, code, message)
return { "ok", flatTask(t) }
