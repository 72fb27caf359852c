-- Records the result of the lease holder's attempt and ends the task as completed.
-- Repeating it (same owner, same attempt) changes nothing; anyone else is refused, so a
-- late result from an owner whose lease expired and was handed out again cannot
-- overwrite the new attempt.
-- ARGV[4] task id, [5] owner, [6] result (encoded, "" for none), [7] attempt ("" for any)
-- Returns {"ok", task}, {"duplicate", task}, {"refused", task} or {"missing"}.
local id, owner, result, attempt = ARGV[4], ARGV[5], ARGV[6], ARGV[7]

local t = loadTask(id)
if not t then return { "missing" } end
if t.state == "completed" and isHeldBy(t, owner, attempt) then return { "duplicate", flatTask(t) } end
if t.state ~= "leased" or not isHeldBy(t, owner, attempt) then return { "refused", flatTask(t) } end

redis.call("ZREM", keyLeases(), id)
dropFields(t, { "leaseExpiresAt", "errorCode", "errorMessage" })
changeState(t, "completed", result ~= "" and { "result", result } or nil)
appendEvent("completed", t)
return { "ok", flatTask(t) }
