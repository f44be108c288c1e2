--- @include "visitor_keep"
-- A visitor's count and index, shared by count_visit.lua and create_session.lua.
-- The index (K.index, a set) holds what is kept about the visitor elsewhere, for export and erasure. Its session
-- members (A.session, `s:{session id}`) are also kept in K.sessions by creation time (A.now), so only the newest
-- A.max_sessions stay: the oldest leave both. Other members (conversions, e-mail hashes, anything that is not a
-- session) are never trimmed: erasure needs them for as long as the records they point to live.

-- Indexes A.session; true when it was not indexed yet (a new session counts once, a retried page load not again).
local function index_session()
  if redis.call('SADD', K.index, A.session) == 0 then return false end
  redis.call('ZADD', K.sessions, A.now, A.session)
  local over = redis.call('ZCARD', K.sessions) - tonumber(A.max_sessions)
  if over > 0 then
    local oldest = redis.call('ZPOPMIN', K.sessions, over)
    for i = 1, #oldest, 2 do redis.call('SREM', K.index, oldest[i]) end
  end
  return true
end
