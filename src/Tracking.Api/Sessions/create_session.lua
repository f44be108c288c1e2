--- @include "new_session"
--- @include "visitor_index"
-- A landing in one script: the session and its visitor's visit, counted and indexed as count_visit.lua does (export
-- and erasure find the session there), the count kept on the session. The visitor's keys are on the session's slot:
-- a new visitor's id is made there (Storage/Ids.NewVisitorId), a known visitor's new session is made on the
-- visitor's slot (Ids.NewSessionId(slot)). A retried landing (the session exists) counts nothing.
local created = create_session()
if created[2] == S.Created then
  local count
  if index_session() then
    count = redis.call('INCR', K.count)
  else
    count = tonumber(redis.call('GET', K.count)) or 1
  end
  redis.call('HSET', K.sess, F.SessionCount, count)
  visitor_keep()
end
return created
