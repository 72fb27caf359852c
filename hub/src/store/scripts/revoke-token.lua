-- Makes an unused token unusable. Its hash stays indexed, so a Register with it is told the
-- token was revoked rather than that it is unknown.
-- ARGV[4] token id
-- Returns {"ok", token}, {"duplicate", token} (already revoked), {"refused", token} (used or
-- expired) or {"missing"}.
local id = ARGV[4]
local token = loadHash(keyToken(id))
if not token then return { "missing" } end
if token.state == "revoked" then return { "duplicate", flatRecord(publicToken(token)) } end
if token.state ~= "active" or tonumber(token.expireTime) <= NOW then return { "refused", flatRecord(publicToken(token)) } end
setHash(keyToken(id), token, { "state", "revoked", "revokeTime", int(NOW) })
appendRecordEvent("token.revoked", nil, id, publicToken(token))
return { "ok", flatRecord(publicToken(token)) }
