-- Adds tasks at the tail of their clusters' queues and tells every hub replica, with one
-- PUBLISH naming each cluster that gained tasks (ids joined by newlines).
-- ARGV[4] count, then per task: id, cluster id, kind, spec (encoded), max attempts
-- Returns, per task in order, {"created", task} or, when a task with its id exists
-- already, {"exists", task} (nothing changes for it).
local count = tonumber(ARGV[4])
local out, notified, clusters = {}, {}, {}

for n = 0, count - 1 do
  local base = 5 + n * 5
  local id, clusterId, kind, spec, maxAttempts = ARGV[base], ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], ARGV[base + 4]
  local existing = loadTask(id)
  if existing then
    out[#out + 1] = { "exists", flatTask(existing) }
  else
    local seq = int(redis.call("INCR", keyTaskSeq()))
    local t = {
      id = id, clusterId = clusterId, kind = kind, spec = spec, attempts = "0", maxAttempts = maxAttempts,
      seq = seq, createdAt = int(NOW), updatedAt = int(NOW), state = "queued",
    }
    redis.call("HSET", keyTask(id), "id", id, "clusterId", clusterId, "kind", kind, "spec", spec, "attempts", "0",
      "maxAttempts", maxAttempts, "seq", seq, "createdAt", t.createdAt, "updatedAt", t.updatedAt, "state", "queued")
    redis.call("ZADD", keyTasks(), seq, id)
    redis.call("ZADD", keyClusterTasks(clusterId), seq, id)
    redis.call("ZADD", keyTasksInState("queued"), seq, id)
    redis.call("ZADD", keyClusterTasksInState(clusterId, "queued"), seq, id)
    redis.call("RPUSH", keyQueue(clusterId), id)
    appendEvent("queued", t)
    if not notified[clusterId] then
      notified[clusterId] = true
      clusters[#clusters + 1] = clusterId
    end
    out[#out + 1] = { "created", flatTask(t) }
  end
end

if #clusters > 0 then redis.call("PUBLISH", channelQueued(), table.concat(clusters, "\n")) end
return out
