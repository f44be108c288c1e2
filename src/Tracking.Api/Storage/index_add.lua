-- Adds A.member to the index set K.set, bounded: at most A.max members counted among those starting with A.prefix
-- ('' counts every member). A member already there is kept. When the set is full, A.overflow ('' for none) is added
-- instead: a marker that stays, so a reader knows the set did not record everyone.
-- The set lives at least A.ttl seconds from now; a longer life it already has is kept (an index shared with records
-- that live longer, such as conversions).
-- Answers added: 1 when the member is in the set, else 0.
local added = 1
if redis.call('SISMEMBER', K.set, A.member) == 0 then
  local count = 0
  if A.prefix == '' then
    count = redis.call('SCARD', K.set)
  else
    local cursor = '0'
    repeat
      local page = redis.call('SSCAN', K.set, cursor, 'MATCH', A.prefix .. '*', 'COUNT', 100)
      cursor = page[1]
      count = count + #page[2]
    until cursor == '0'
  end
  if count < tonumber(A.max) then
    redis.call('SADD', K.set, A.member)
  else
    added = 0
    if A.overflow ~= '' then redis.call('SADD', K.set, A.overflow) end
  end
end
if redis.call('TTL', K.set) < tonumber(A.ttl) then redis.call('EXPIRE', K.set, A.ttl) end
return {'added', added}
