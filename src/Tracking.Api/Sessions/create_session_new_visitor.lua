--- @include "new_session"
--- @include "visitor_index"
-- A new visitor's landing in one script: the session and the visitor's first visit, counted and indexed as
-- count_visit.lua does (export and erasure find the session there). The server made the visitor id on this session's
-- slot (Storage/Ids.NewVisitorId), so its keys can be written here. A retried landing (the session exists) counts nothing.
local created = create_session()
if created[2] == S.Created then
  if index_session() then redis.call('INCR', K.count) end
  visitor_keep()
end
return created
