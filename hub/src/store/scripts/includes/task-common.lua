-- Shared by every task script. The loader prepends the key functions generated from
-- keys.ts, then this file, then the command's own script.
--
-- ARGV[1] key prefix (read by the key functions)
-- ARGV[2] now, ms since epoch; "" means the Redis server's clock, so that several hub
--         replicas with skewed clocks still agree on lease deadlines
-- ARGV[3] approximate MAXLEN of the event stream
-- ARGV[4...] the command's own arguments

local NOW
if ARGV[2] ~= "" then
  NOW = tonumber(ARGV[2])
else
  local t = redis.call("TIME")
  NOW = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local EVENTS_MAXLEN = ARGV[3]

-- Lua 5.1 prints large numbers in exponent form; timestamps and counters must stay integers.
local function int(n)
  return string.format("%d", n)
end

-- Loads a task hash as a map (field -> string), or nil when there is no such task.
local function loadTask(id)
  local flat = redis.call("HGETALL", keyTask(id))
  if #flat == 0 then return nil end
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

-- Sets fields on the task hash and on the loaded map together. `fv` is {field, value, ...}.
local function setFields(t, fv)
  for i = 1, #fv, 2 do t[fv[i]] = fv[i + 1] end
  redis.call("HSET", keyTask(t.id), unpack(fv))
end

local function dropFields(t, fields)
  for _, f in ipairs(fields) do t[f] = nil end
  redis.call("HDEL", keyTask(t.id), unpack(fields))
end

-- The task as the flat field/value array HGETALL gives, which the TypeScript side parses.
local function flatTask(t)
  local flat = {}
  for k, v in pairs(t) do
    flat[#flat + 1] = k
    flat[#flat + 1] = v
  end
  return flat
end

-- Moves the task between state indexes and records the new state, with any other fields
-- to set (`fv`, {field, value, ...}) in the same HSET.
local function changeState(t, to, fv)
  redis.call("ZREM", keyTasksInState(t.state), t.id)
  redis.call("ZREM", keyClusterTasksInState(t.clusterId, t.state), t.id)
  redis.call("ZADD", keyTasksInState(to), t.seq, t.id)
  redis.call("ZADD", keyClusterTasksInState(t.clusterId, to), t.seq, t.id)
  local all = { "state", to, "updatedAt", int(NOW) }
  if fv then
    for i = 1, #fv do all[#all + 1] = fv[i] end
  end
  setFields(t, all)
end

-- Appends one event for the task's change, in the same script as the change, so the
-- event log and the state never disagree. `extra` is {field, value, ...}.
local function appendEvent(eventType, t, extra)
  local args = {
    "XADD", keyEvents(), "MAXLEN", "~", EVENTS_MAXLEN, "*",
    "type", eventType, "taskId", t.id, "clusterId", t.clusterId, "kind", t.kind,
    "state", t.state, "attempts", t.attempts, "maxAttempts", t.maxAttempts, "at", int(NOW),
  }
  if t.leaseOwner then
    args[#args + 1] = "owner"
    args[#args + 1] = t.leaseOwner
  end
  if extra then
    for i = 1, #extra do args[#args + 1] = extra[i] end
  end
  redis.call(unpack(args))
end

-- Puts a leased task back in the queued state (not yet in the list: callers decide where).
-- The attempt count stays; the next lease raises it.
local function markRequeued(t, errorCode, errorMessage)
  redis.call("ZREM", keyLeases(), t.id)
  dropFields(t, { "leaseOwner", "leaseExpiresAt" })
  changeState(t, "queued", { "errorCode", errorCode, "errorMessage", errorMessage })
  appendEvent("queued", t, { "errorCode", errorCode, "errorMessage", errorMessage })
end

-- Ends a task as failed, keeping the owner of the last lease for the record.
local function markFailed(t, errorCode, errorMessage)
  redis.call("ZREM", keyLeases(), t.id)
  dropFields(t, { "leaseExpiresAt" })
  changeState(t, "failed", { "errorCode", errorCode, "errorMessage", errorMessage })
  appendEvent("failed", t, { "errorCode", errorCode, "errorMessage", errorMessage })
end

-- Whether `owner` (and, when given, `attempt`) is who the task's state names. Used both to
-- accept a change from the lease holder and to recognise a repeat of a change it made.
local function isHeldBy(t, owner, attempt)
  if t.leaseOwner ~= owner then return false end
  if attempt ~= "" and t.attempts ~= attempt then return false end
  return true
end
