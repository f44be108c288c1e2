--- @include "outbox"
-- Leases up to A.count due entries: pushes their due time to A.lease (hidden from other workers until then)
-- and counts the lease. Answers one {id, entry, same, leases} record per leased id: an entry already returned for
-- another destination of the same event is returned once only (same = 1, no entry: the worker reuses what it parsed),
-- and entry is '' when gone.
local ids = redis.call('ZRANGEBYSCORE', K.due, '-inf', A.now, 'LIMIT', 0, tonumber(A.count))
local out = {}
local sent = {}
for _, id in ipairs(ids) do
  redis.call('ZADD', K.due, A.lease, id)
  local item = outbox_item(id)
  local same, entry = sent[item] and 1 or 0, ''
  if same == 0 then
    entry = outbox_entry(K.items, id) or ''
    if entry ~= '' then sent[item] = true end
  end
  out[#out + 1] = {'id', id, 'entry', entry, 'same', same, 'leases', redis.call('HINCRBY', K.tries, id, 1)}
end
return out
