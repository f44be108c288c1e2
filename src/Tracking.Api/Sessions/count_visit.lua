--- @include "visitor_index"
-- Counts a visit for the visitor and answers the count. A new session (A.session = its index member) is counted
-- when it is first indexed, so a retried page load that finds its session already made counts nothing twice; a
-- return visit to a live session (A.session = '') always counts.
local count
if A.session == '' or index_session() then
  count = redis.call('INCR', K.count)
else
  count = tonumber(redis.call('GET', K.count)) or 1
end
visitor_keep()
return {'count', count}
