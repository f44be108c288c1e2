--- @include "outbox"
--- @include "hashes"
-- Settles a leased batch. Only entries whose due time is still our lease are touched: a worker that outlived
-- its lease (another worker may hold the entry now) changes nothing.
local lease = tonumber(A.lease)
local function owned(id) return tonumber(redis.call('ZSCORE', K.due, id)) == lease end
local function forget(id)
  redis.call('ZREM', K.due, id)
  redis.call('HDEL', K.tries, id)
  outbox_done(K.items, id)
end
for _, d in ipairs(L.done) do
  if owned(d.id) then forget(d.id) end
end
for _, r in ipairs(L.retry) do
  if owned(r.id) then redis.call('ZADD', K.due, r.due, r.id) end
end
-- Entries that never reached the destination (open circuit, abandoned at shutdown, destination disabled) give
-- their lease back: the lease count drives backoff, and these were not failed attempts.
for _, r in ipairs(L.release) do
  if owned(r.id) then
    redis.call('ZADD', K.due, r.due, r.id)
    if redis.call('HINCRBY', K.tries, r.id, -1) <= 0 then redis.call('HDEL', K.tries, r.id) end
  end
end
for _, x in ipairs(L.dead) do
  if owned(x.id) then
    redis.call('HSET', K.dead, x.id, outbox_entry(K.items, x.id) or '')
    redis.call('HSET', K.reasons, x.id, x.reason)
    forget(x.id)
  end
end
-- The dead-letter hashes die Delivery:DeadLetterRetentionDays after their newest letter; older letters are
-- purged one by one (OutboxStore.PurgeDeadAsync).
if #L.dead > 0 then refresh(tonumber(A.dead_ttl), K.dead, K.reasons) end
return {'settled', #L.done + #L.retry + #L.release + #L.dead}
