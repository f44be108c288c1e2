--- @include "outbox"
-- Leases up to A.count due entries: pushes their due time to A.lease (hidden from other workers until then)
-- and counts the lease. Answers three columns, one row per leased id: ids, leases (the id's lease count) and
-- entries (the stored entry; '' when gone, and '' again for another destination of an event already answered:
-- the worker reuses what it parsed). A few commands per batch rather than a few per id: Redis's per-command
-- overhead from Lua is most of a lease's cost.
local ids = redis.call('ZRANGEBYSCORE', K.due, '-inf', A.now, 'LIMIT', 0, tonumber(A.count))
if #ids == 0 then return {'ids', {}, 'leases', {}, 'entries', {}} end
local leases, entries, first = {}, {}, {}
for from = 1, #ids, outbox_chunk do
  local to = math.min(from + outbox_chunk - 1, #ids)
  local z, items, at = {}, {}, {}
  for i = from, to do
    local id = ids[i]
    z[#z + 1] = A.lease; z[#z + 1] = id
    local item = outbox_item(id)
    entries[i] = ''
    if not first[item] then
      first[item] = true
      items[#items + 1] = item
      at[#items] = i
    end
  end
  redis.call('ZADD', K.due, unpack(z))
  local tries = redis.call('HMGET', K.tries, unpack(ids, from, to))
  local counted = {}
  for i = from, to do
    leases[i] = (tonumber(tries[i - from + 1]) or 0) + 1
    counted[#counted + 1] = ids[i]; counted[#counted + 1] = leases[i]
  end
  redis.call('HSET', K.tries, unpack(counted))
  if #items > 0 then
    for n, value in ipairs(redis.call('HMGET', K.items, unpack(items))) do entries[at[n]] = value or '' end
  end
end
return {'ids', ids, 'leases', leases, 'entries', entries}
