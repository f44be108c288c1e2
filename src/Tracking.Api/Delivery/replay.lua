--- @include "outbox"
-- Requeues dead letters, byte for byte, due at A.now: all of them (A.all == '1') or those in L.ids. A letter
-- without a body stays dead (its entry was gone when it died: sent again it could only die again). Answers the
-- number requeued.
local ids = {}
if A.all == '1' then
  ids = redis.call('HKEYS', K.dead)
else
  for _, r in ipairs(L.ids) do ids[#ids + 1] = r.id end
end
local n = 0
for _, id in ipairs(ids) do
  local entry = redis.call('HGET', K.dead, id)
  if entry and entry ~= '' then
    requeue(K.due, K.items, A.now, id, entry)
    redis.call('HDEL', K.tries, id)
    redis.call('HDEL', K.dead, id)
    redis.call('HDEL', K.reasons, id)
    n = n + 1
  end
end
return {'requeued', n}
