-- Puts every task whose lease deadline has passed back at the head of its cluster's
-- queue (attempt count kept; the next lease raises it), or ends it failed once it has had
-- its max attempts. Tasks of one cluster go back in their original (creation) order.
-- ARGV[4] at most this many leases per call
-- Returns {requeued, failed, more} where more is 1 when the limit was reached.
local limit = tonumber(ARGV[4])

local ids = redis.call("ZRANGEBYSCORE", keyLeases(), "-inf", NOW, "LIMIT", 0, limit)
local requeued, failed = 0, 0
local byCluster, clusters = {}, {}

for _, id in ipairs(ids) do
  local t = loadTask(id)
  if not t or t.state ~= "leased" then
    -- A deadline left behind by a change that ended the lease: nothing to hand back.
    redis.call("ZREM", keyLeases(), id)
  else
    local attempts, maxAttempts = tonumber(t.attempts), tonumber(t.maxAttempts)
    if attempts >= maxAttempts then
      markFailed(t, "LEASE_EXPIRED", "lease expired after " .. t.attempts .. " attempts")
      failed = failed + 1
    else
      markRequeued(t, "LEASE_EXPIRED", "lease of attempt " .. t.attempts .. " held by " .. (t.leaseOwner or "?") .. " expired")
      local list = byCluster[t.clusterId]
      if not list then
        list = {}
        byCluster[t.clusterId] = list
        clusters[#clusters + 1] = t.clusterId
      end
      list[#list + 1] = t
      requeued = requeued + 1
    end
  end
end

for _, clusterId in ipairs(clusters) do
  local list = byCluster[clusterId]
  -- Newest first onto the head, so the oldest ends up in front.
  table.sort(list, function(a, b) return tonumber(a.seq) > tonumber(b.seq) end)
  for _, t in ipairs(list) do redis.call("LPUSH", keyQueue(clusterId), t.id) end
  redis.call("PUBLISH", channelQueued(), clusterId)
end

local more = 0
if #ids == limit then more = 1 end
return { requeued, failed, more }
