-- Forgets a cluster: its record, inventory and index entries go, every certificate issued to
-- it is revoked, and every hub replica is told (so the one holding its stream closes it).
-- Its tasks are cancelled by the caller, through the task scripts.
-- ARGV[4] cluster id
-- Returns {"ok", cluster (as it was)} or {"missing"}.
local id = ARGV[4]
local cluster = loadHash(keyCluster(id))
if not cluster then return { "missing" } end
revokeClusterCertificates(id)
if redis.call("HGET", keyClusterFingerprints(), cluster.fingerprint) == id then
  redis.call("HDEL", keyClusterFingerprints(), cluster.fingerprint)
end
if redis.call("HGET", keyClusterNames(), cluster.name) == id then
  redis.call("HDEL", keyClusterNames(), cluster.name)
  redis.call("ZREM", keyClusterNameOrder(), cluster.name)
end
redis.call("ZREM", keyConnectedClusters(), id)
redis.call("DEL", keyCluster(id), keyClusterInventory(id))
appendRecordEvent("cluster.deleted", id, nil, cluster)
redis.call("PUBLISH", channelCluster(), cjson.encode({ clusterId = id, change = "deleted" }))
return { "ok", flatRecord(cluster) }
