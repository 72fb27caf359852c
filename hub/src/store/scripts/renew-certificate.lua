-- Records a certificate renewed over the cluster's stream. The certificate the stream was
-- opened with stays valid until it expires (the agent switches on its next connection).
-- ARGV[4] cluster id, [5] serial of the certificate the stream presented,
-- [6] new serial, [7] notBefore ms, [8] notAfter ms
-- Returns {"ok", cluster}, {"missing"} or {"revoked"} (the presented one was revoked meanwhile).
local id, presented, serial, notBefore, notAfter = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local cluster = loadHash(keyCluster(id))
if not cluster then return { "missing" } end
if redis.call("ZSCORE", keyRevokedCertificates(), presented) then return { "revoked" } end
setHash(keyCluster(id), cluster, {
  "certSerial", serial, "certNotBefore", notBefore, "certNotAfter", notAfter, "updateTime", int(NOW),
})
redis.call("ZADD", keyClusterCertificates(id), notAfter, serial)
appendRecordEvent("cluster.certificate-renewed", id, nil, cluster)
return { "ok", flatRecord(cluster) }
