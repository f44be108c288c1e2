-- Leases up to A.count due entries: pushes their due time to A.lease (hidden from other workers until then)
-- and counts the lease. Returns {id, entry, leases, id, entry, leases, ...}.
local ids = redis.call('ZRANGEBYSCORE', K.due, '-inf', A.now, 'LIMIT', 0, tonumber(A.count))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZADD', K.due, A.lease, id)
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', K.items, id) or ''
  out[#out + 1] = redis.call('HINCRBY', K.tries, id, 1)
end
return out
