-- Requeues dead letters, byte for byte, due at A.now: all of them (A.all == '1') or those in L.ids. A letter
-- without a body stays dead (its entry was gone when it died: sent again it could only die again), unless its
-- event's shared entry is still there.
local ids = {}
if A.all == '1' then
  ids = redis.call('HKEYS', K.dead)
else
  for _, r in ipairs(L.ids) do ids[#ids + 1] = r.id end
end
local n = 0
for _, id in ipairs(ids) do
  local entry = redis.call('HGET', K.dead, id)
  local requeued = false
  if entry and entry ~= '' then
    requeue(K.due, K.items, A.now, id, entry)
    requeued = true
  elseif entry and redis.call('HEXISTS', K.items, outbox_item(id)) == 1 then
    -- Dead-lettered with no body by a worker of a version before shared entries (docs/operations.md, upgrading): it
    -- could not read the shared entry and never counted itself out of it, so the entry is still there, counting it.
    redis.call('ZADD', K.due, A.now, id)
    requeued = true
  end
  if requeued then
    redis.call('HDEL', K.tries, id)
    redis.call('HDEL', K.dead, id)
    redis.call('HDEL', K.reasons, id)
    n = n + 1
  end
end
return n
