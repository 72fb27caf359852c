-- Creates a registration token. Only the hash of its secret is stored.
-- ARGV[4] token id, [5] secret hash, [6] labels JSON, [7] description, [8] ttl ms
-- Returns {"ok", token} or {"exists"} (the id or hash is taken: the caller retries with new ones).
local id, hash, labels, description, ttl = ARGV[4], ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
if redis.call("EXISTS", keyToken(id)) == 1 or redis.call("HEXISTS", keyTokenHashes(), hash) == 1 then return { "exists" } end
local seq = int(redis.call("INCR", keyTokenSeq()))
local token = {}
setHash(keyToken(id), token, {
  "id", id, "hash", hash, "labels", labels, "description", description, "state", "active",
  "createTime", int(NOW), "expireTime", int(NOW + ttl), "seq", seq,
})
redis.call("HSET", keyTokenHashes(), hash, id)
redis.call("ZADD", keyTokens(), seq, id)
appendRecordEvent("token.created", nil, id, publicToken(token))
return { "ok", flatRecord(publicToken(token)) }
