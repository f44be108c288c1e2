-- Leases up to A.count due entries: pushes their due time to A.lease (hidden from other workers until then)
-- and counts the lease. Returns {id, entry, leases, id, entry, leases, ...}; an entry already returned for another
-- destination of the same event is returned once only ('=': the worker reuses what it parsed; no entry's JSON is
-- '='), and '' when gone.
local ids = redis.call('ZRANGEBYSCORE', K.due, '-inf', A.now, 'LIMIT', 0, tonumber(A.count))
local out = {}
local sent = {}
for _, id in ipairs(ids) do
  redis.call('ZADD', K.due, A.lease, id)
  out[#out + 1] = id
  local item = outbox_item(id)
  if sent[item] then
    out[#out + 1] = '='
  else
    local entry = outbox_entry(K.items, id)
    if entry then sent[item] = true end
    out[#out + 1] = entry or ''
  end
  out[#out + 1] = redis.call('HINCRBY', K.tries, id, 1)
end
return out
