-- Hands out tasks from the heads of cluster queues, for one or more lease requests (the
-- dispatcher batches the requests of many streams into one call). Each task is marked
-- leased to the request's owner until now + leaseMs, its attempt count raised, its
-- deadline recorded in the lease ZSET for the sweeper.
-- ARGV[4] lease ms, [5] request count, then per request: cluster id, owner, max tasks
-- Returns, per request in order, a list of tasks (possibly empty).
local deadline = int(NOW + tonumber(ARGV[4]))
local requests = tonumber(ARGV[5])
local out = {}

for r = 0, requests - 1 do
  local base = 6 + r * 3
  local clusterId, owner, max = ARGV[base], ARGV[base + 1], tonumber(ARGV[base + 2])
  local tasks = {}
  while #tasks < max do
    local id = redis.call("LPOP", keyQueue(clusterId))
    if not id then break end
    local t = loadTask(id)
    -- Only queued tasks belong in the list; anything else (a task whose hash was removed)
    -- is dropped rather than handed out.
    if t and t.state == "queued" then
      changeState(t, "leased", { "attempts", int(tonumber(t.attempts) + 1), "leaseOwner", owner, "leaseExpiresAt", deadline })
      redis.call("ZADD", keyLeases(), deadline, id)
      appendEvent("leased", t, { "leaseExpiresAt", deadline })
      tasks[#tasks + 1] = flatTask(t)
    end
  end
  out[#out + 1] = tasks
end
return out
