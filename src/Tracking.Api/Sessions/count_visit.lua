--- @include "visitor_keep"
-- A return visit the touch could not count (the visitor's keys are on another slot than the session's): counted for
-- the visitor, whose keys live on; answers the count (set_session_count.lua keeps it on the session).
local count = redis.call('INCR', K.count)
visitor_keep()
return {'count', count}
