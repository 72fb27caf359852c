-- Shared by the cluster and token scripts; loaded after task-common.lua (NOW, EVENTS_MAXLEN,
-- int, flatTask).

-- A loaded hash as the flat field/value array HGETALL gives, which the TypeScript side parses.
local flatRecord = flatTask

-- Loads a hash as a map (field -> string), or nil when the key does not exist.
local function loadHash(key)
  local flat = redis.call("HGETALL", key)
  if #flat == 0 then return nil end
  local m = {}
  for i = 1, #flat, 2 do m[flat[i]] = flat[i + 1] end
  return m
end

-- Sets fields on a hash and on its loaded map together. `fv` is {field, value, ...}.
local function setHash(key, m, fv)
  for i = 1, #fv, 2 do m[fv[i]] = fv[i + 1] end
  redis.call("HSET", key, unpack(fv))
end

local function dropHash(key, m, fields)
  for _, f in ipairs(fields) do m[f] = nil end
  redis.call("HDEL", key, unpack(fields))
end

-- A token record as events and replies show it: everything but the hash of its secret.
local function publicToken(t)
  local copy = {}
  for k, v in pairs(t) do
    if k ~= "hash" then copy[k] = v end
  end
  return copy
end

-- Appends one cluster or token event ("cluster.connected", "token.used", ...) to the same
-- stream as task events, in the same script as the change. `record` is the cluster or token
-- after the change (before it, for a deletion), stored as one JSON field.
local function appendRecordEvent(eventType, clusterId, tokenId, record)
  local args = { "XADD", keyEvents(), "MAXLEN", "~", EVENTS_MAXLEN, "*", "type", eventType, "at", int(NOW) }
  if clusterId and clusterId ~= "" then
    args[#args + 1] = "clusterId"
    args[#args + 1] = clusterId
  end
  if tokenId and tokenId ~= "" then
    args[#args + 1] = "tokenId"
    args[#args + 1] = tokenId
  end
  args[#args + 1] = "record"
  args[#args + 1] = cjson.encode(record)
  redis.call(unpack(args))
end

-- Moves every serial issued to a cluster into the revoked set (kept until each one's notAfter:
-- TLS refuses an expired certificate by itself) and forgets the cluster's list.
local function revokeClusterCertificates(clusterId)
  local issued = redis.call("ZRANGE", keyClusterCertificates(clusterId), 0, -1, "WITHSCORES")
  for i = 1, #issued, 2 do
    redis.call("ZADD", keyRevokedCertificates(), issued[i + 1], issued[i])
  end
  redis.call("DEL", keyClusterCertificates(clusterId))
  redis.call("ZREMRANGEBYSCORE", keyRevokedCertificates(), "-inf", "(" .. int(NOW))
end
