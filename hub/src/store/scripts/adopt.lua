-- Moves the leases of tasks an agent says it is still running (AgentHello.active_task_ids,
-- after a reconnect) to its new stream, so their progress and results are accepted instead of
-- the tasks being handed out again when the old stream's leases expire. Only leased tasks of
-- the stream's own cluster move; the attempt number stays. No event: like a renewal, it changes
-- who holds the lease, not the task's state.
-- ARGV[4] cluster id, [5] new owner, [6] lease ms, [7...] task ids
-- Returns the adopted tasks.
local clusterId, owner, leaseMs = ARGV[4], ARGV[5], tonumber(ARGV[6])
local out = {}
for i = 7, #ARGV do
  local t = loadTask(ARGV[i])
  if t and t.state == "leased" and t.clusterId == clusterId then
    local deadline = int(NOW + leaseMs)
    setFields(t, { "leaseOwner", owner, "leaseExpiresAt", deadline, "updatedAt", int(NOW) })
    redis.call("ZADD", keyLeases(), deadline, t.id)
    out[#out + 1] = flatTask(t)
  end
end
return out
