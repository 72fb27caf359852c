-- Records a heartbeat on the cluster's stream (no event: heartbeats are not state changes).
-- ARGV[4] cluster id, [5] connection id
-- Returns {"ok", time} or {"superseded"} when the record names another stream, or none.
local id, connectionId = ARGV[4], ARGV[5]
if redis.call("HGET", keyCluster(id), "connectionId") ~= connectionId then return { "superseded" } end
redis.call("HSET", keyCluster(id), "lastHeartbeatTime", int(NOW))
redis.call("ZADD", keyConnectedClusters(), NOW, id)
return { "ok", int(NOW) }
