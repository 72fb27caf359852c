-- Records that a stream for the cluster opened on a hub replica. The newest stream owns the
-- record: a later disconnect of an older stream (ARGV[6] differs) changes nothing.
-- ARGV[4] cluster id, [5] hub id, [6] connection id, [7] JSON {kubernetesVersion, agentVersion}
-- ("" values leave the recorded ones)
-- Returns {"ok", cluster} or {"missing"}.
local id, hubId, connectionId = ARGV[4], ARGV[5], ARGV[6]
local versions = cjson.decode(ARGV[7])
local cluster = loadHash(keyCluster(id))
if not cluster then return { "missing" } end
local now = int(NOW)
local fv = { "state", "connected", "connectedHub", hubId, "connectionId", connectionId, "connectTime", now,
  "lastHeartbeatTime", now, "updateTime", now }
if versions.kubernetesVersion ~= "" then
  fv[#fv + 1] = "kubernetesVersion"
  fv[#fv + 1] = versions.kubernetesVersion
end
if versions.agentVersion ~= "" then
  fv[#fv + 1] = "agentVersion"
  fv[#fv + 1] = versions.agentVersion
end
setHash(keyCluster(id), cluster, fv)
redis.call("ZADD", keyConnectedClusters(), NOW, id)
appendRecordEvent("cluster.connected", id, nil, cluster)
return { "ok", flatRecord(cluster) }
