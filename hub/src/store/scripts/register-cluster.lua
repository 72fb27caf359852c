-- Registers a cluster with a single-use token, atomically: the token is checked and used up,
-- and the cluster is created (or, for a known fingerprint, re-issued its identity) in one step,
-- so two Registers with one token can never both succeed, and a refused one changes nothing.
--
-- The caller signs the certificate before calling, so it must guess the cluster id: the id the
-- fingerprint index gave it (ARGV[9] = "1") or a new one (ARGV[9] = "0"). When the index has
-- changed meanwhile (a concurrent registration of the same cluster), the reply is {"retry"}.
--
-- ARGV[4] token hash, [5] cluster id, [6] fingerprint, [7] name hint ("" = derive one),
-- [8] JSON {kubernetesVersion, agentVersion}, [9] "1" if the id is the fingerprint's,
-- [10] certificate serial, [11] notBefore ms, [12] notAfter ms
-- Returns {"ok", cluster, token, "created"|"reissued"}, {"retry"} or {"token-unknown"|
-- "token-used"|"token-revoked"|"token-expired"}.
local hash, id, fingerprint, nameHint = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local versions = cjson.decode(ARGV[8])
local expectKnown = ARGV[9] == "1"
local serial, notBefore, notAfter = ARGV[10], ARGV[11], ARGV[12]

local tokenId = redis.call("HGET", keyTokenHashes(), hash)
if not tokenId then return { "token-unknown" } end
local token = loadHash(keyToken(tokenId))
if not token then return { "token-unknown" } end
if token.state == "revoked" then return { "token-revoked" } end
if token.state == "used" then return { "token-used" } end
if tonumber(token.expireTime) <= NOW then return { "token-expired" } end

local known = redis.call("HGET", keyClusterFingerprints(), fingerprint)
if expectKnown and known ~= id then return { "retry" } end
if not expectKnown and known then return { "retry" } end

local labels = cjson.decode(token.labels or "{}")
local now = int(NOW)
local cluster
local outcome
if expectKnown then
  outcome = "reissued"
  cluster = loadHash(keyCluster(id))
  if not cluster then return { "retry" } end
  -- A re-registration means the agent lost its key (reinstalled): every certificate issued
  -- to the cluster before is refused from now on.
  revokeClusterCertificates(id)
  local merged = cjson.decode(cluster.labels or "{}")
  for k, v in pairs(labels) do merged[k] = v end
  setHash(keyCluster(id), cluster, {
    "labels", cjson.encode(merged),
    "kubernetesVersion", versions.kubernetesVersion, "agentVersion", versions.agentVersion,
    "certSerial", serial, "certNotBefore", notBefore, "certNotAfter", notAfter,
    "registrationTokenId", tokenId, "updateTime", now,
  })
else
  outcome = "created"
  local name = nameHint
  if name == "" or redis.call("HEXISTS", keyClusterNames(), name) == 1 then
    name = "cluster-" .. string.sub(id, 1, 8)
    if redis.call("HEXISTS", keyClusterNames(), name) == 1 then name = "cluster-" .. id end
  end
  cluster = {}
  setHash(keyCluster(id), cluster, {
    "id", id, "name", name, "labels", cjson.encode(labels), "fingerprint", fingerprint,
    "kubernetesVersion", versions.kubernetesVersion, "agentVersion", versions.agentVersion,
    "state", "disconnected",
    "certSerial", serial, "certNotBefore", notBefore, "certNotAfter", notAfter,
    "registrationTokenId", tokenId, "createTime", now, "updateTime", now,
  })
  redis.call("HSET", keyClusterFingerprints(), fingerprint, id)
  redis.call("HSET", keyClusterNames(), name, id)
  redis.call("ZADD", keyClusterNameOrder(), 0, name)
end
redis.call("ZADD", keyClusterCertificates(id), notAfter, serial)

setHash(keyToken(tokenId), token, { "state", "used", "useTime", now, "clusterId", id })
appendRecordEvent("token.used", id, tokenId, publicToken(token))
appendRecordEvent("cluster.registered", id, nil, cluster)
if outcome == "reissued" then
  -- Streams still open with a certificate revoked above are closed by the replica holding them.
  redis.call("PUBLISH", channelCluster(), cjson.encode({ clusterId = id, change = "reissued" }))
end
return { "ok", flatRecord(cluster), flatRecord(publicToken(token)), outcome }
