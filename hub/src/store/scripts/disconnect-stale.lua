-- Marks disconnected every cluster whose stream showed no life for ARGV[4] ms (by the Redis
-- clock, which every replica shares): its hub replica died without closing it, or the network
-- dropped it half-open. Any replica may run it; it is idempotent.
-- ARGV[4] max silence ms, [5] most clusters per call
-- Returns {changed, more (1 when another call may find more)}.
local cutoff, limit = NOW - tonumber(ARGV[4]), tonumber(ARGV[5])
local stale = redis.call("ZRANGE", keyConnectedClusters(), "-inf", "(" .. int(cutoff), "BYSCORE", "LIMIT", 0, limit)
local changed = 0
local now = int(NOW)
for _, id in ipairs(stale) do
  redis.call("ZREM", keyConnectedClusters(), id)
  local cluster = loadHash(keyCluster(id))
  if cluster and cluster.state == "connected" then
    dropHash(keyCluster(id), cluster, { "connectedHub", "connectionId" })
    setHash(keyCluster(id), cluster, { "state", "disconnected", "disconnectTime", now, "updateTime", now })
    appendRecordEvent("cluster.disconnected", id, nil, cluster)
    changed = changed + 1
  end
end
return { changed, #stale == limit and 1 or 0 }
