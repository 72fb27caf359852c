-- Records what an agent reported about its cluster: versions and, when given, a new inventory.
-- ARGV[4] cluster id, [5] JSON {kubernetesVersion, agentVersion} ("" leaves the recorded one),
-- [6] inventory (protobuf binary; "" = unchanged), [7] inventory collect time ms ("" = now)
-- Returns {"ok", cluster} or {"missing"}.
local id = ARGV[4]
local versions = cjson.decode(ARGV[5])
local inventory, collectTime = ARGV[6], ARGV[7]
local cluster = loadHash(keyCluster(id))
if not cluster then return { "missing" } end
local now = int(NOW)
local fv = { "updateTime", now }
if versions.kubernetesVersion ~= "" then
  fv[#fv + 1] = "kubernetesVersion"
  fv[#fv + 1] = versions.kubernetesVersion
end
if versions.agentVersion ~= "" then
  fv[#fv + 1] = "agentVersion"
  fv[#fv + 1] = versions.agentVersion
end
if inventory ~= "" then
  redis.call("SET", keyClusterInventory(id), inventory)
  fv[#fv + 1] = "inventoryTime"
  fv[#fv + 1] = collectTime ~= "" and collectTime or now
end
setHash(keyCluster(id), cluster, fv)
appendRecordEvent("cluster.updated", id, nil, cluster)
return { "ok", flatRecord(cluster) }
