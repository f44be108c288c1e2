--- @include "new_session"
-- A new visitor's landing in one script: the session and the visitor's first visit, counted and indexed as
-- count_visit.lua does (export and erasure find the session there). The server made the visitor id on this session's
-- slot (Storage/Ids.NewVisitorId), so its keys can be written here. Both visitor keys live A.visitor_ttl seconds.
-- A retried landing (the session exists) counts nothing.
local created = create_session()
if created[2] == S.Created then
  if redis.call('SADD', K.index, A.session) == 1 then redis.call('INCR', K.count) end
  redis.call('EXPIRE', K.count, A.visitor_ttl)
  redis.call('EXPIRE', K.index, A.visitor_ttl)
end
return created
