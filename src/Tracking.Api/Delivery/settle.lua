--- @include "outbox"
--- @include "hashes"
-- Settles a leased batch. Only entries whose due time is still our lease are touched: a worker that outlived
-- its lease (another worker may hold the entry now) changes nothing. Done entries, the bulk of a batch, take a few
-- commands per chunk of ids (outbox_scored, outbox_forget).
local lease = tonumber(A.lease)
local function rescheduled(list)
  local owned = outbox_scored(K.due, list, lease)
  for from = 1, #owned, outbox_chunk do
    local z = {}
    for i = from, math.min(from + outbox_chunk - 1, #owned) do z[#z + 1] = owned[i].due; z[#z + 1] = owned[i].id end
    redis.call('ZADD', K.due, unpack(z))
  end
  return owned
end
local forget = outbox_scored(K.due, L.done, lease)
rescheduled(L.retry)
-- Entries that never reached the destination (open circuit, abandoned at shutdown, destination disabled) give
-- their lease back: the lease count drives backoff, and these were not failed attempts.
for _, r in ipairs(rescheduled(L.release)) do
  if redis.call('HINCRBY', K.tries, r.id, -1) <= 0 then redis.call('HDEL', K.tries, r.id) end
end
-- A dead letter keeps the entry byte for byte; read before outbox_forget may delete the shared entry.
for _, x in ipairs(outbox_scored(K.due, L.dead, lease)) do
  redis.call('HSET', K.dead, x.id, outbox_entry(K.items, x.id) or '')
  redis.call('HSET', K.reasons, x.id, x.reason)
  forget[#forget + 1] = x
end
outbox_forget(K.due, K.items, K.tries, forget)
-- The dead-letter hashes die Delivery:DeadLetterRetentionDays after their newest letter; older letters are
-- purged one by one (OutboxStore.PurgeDeadAsync).
if #L.dead > 0 then refresh(tonumber(A.dead_ttl), K.dead, K.reasons) end
return {'settled', #L.done + #L.retry + #L.release + #L.dead}
