-- Counts a visit for the visitor and answers the count. A new session (A.session = its index member) is counted
-- when it is first indexed, so a retried page load that finds its session already made counts nothing twice; a
-- return visit to a live session (A.session = '') always counts. Both keys live A.ttl seconds after the last visit.
local count
if A.session == '' or redis.call('SADD', K.index, A.session) == 1 then
  count = redis.call('INCR', K.count)
else
  count = tonumber(redis.call('GET', K.count)) or 1
end
redis.call('EXPIRE', K.count, A.ttl)
redis.call('EXPIRE', K.index, A.ttl) -- a no-op while the index does not exist
return {'count', count}
