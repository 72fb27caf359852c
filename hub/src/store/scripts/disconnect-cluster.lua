-- Records that the cluster's stream closed, if the record still names that stream (a newer
-- stream, on any replica, may have taken over).
-- ARGV[4] cluster id, [5] connection id
-- Returns {"ok", cluster}, {"superseded", cluster} or {"missing"}.
local id, connectionId = ARGV[4], ARGV[5]
local cluster = loadHash(keyCluster(id))
if not cluster then return { "missing" } end
if cluster.state ~= "connected" or cluster.connectionId ~= connectionId then return { "superseded", flatRecord(cluster) } end
local now = int(NOW)
dropHash(keyCluster(id), cluster, { "connectedHub", "connectionId" })
setHash(keyCluster(id), cluster, { "state", "disconnected", "disconnectTime", now, "updateTime", now })
redis.call("ZREM", keyConnectedClusters(), id)
appendRecordEvent("cluster.disconnected", id, nil, cluster)
return { "ok", flatRecord(cluster) }
