--- @include "session_touch"
--- @include "visitor_keep"
-- A return visit in one script when the page names its visitor (A.visitor) and the visitor's keys are on the
-- session's slot (a new visitor's id is made on its first session's slot, a known visitor's sessions on the visitor's
-- slot): a new visit is counted for the visitor and the count kept on the session, as count_visit.lua and
-- set_session_count.lua do. A visitor id that is not the session's counts nothing here (counted 0: the caller counts
-- the session's own visitor).
-- Answers Sessions.PageLoadStatus: Touched (visitor, new_visit, counted: 1 when the visit was counted here, posthog:
-- the distinct id stored before, accepted, duplicates); Unknown; SessionFull (held).
local status, visitor, new_visit, posthog, accepted, duplicates = touch_session()
if status == S.Unknown then return {'status', status} end
if status == S.SessionFull then return {'status', status, 'held', visitor} end
local counted = 0
if new_visit == 1 and visitor == A.visitor then
  redis.call('HSET', K.sess, F.SessionCount, redis.call('INCR', K.count))
  visitor_keep()
  counted = 1
end
return {'status', status, 'visitor', visitor, 'new_visit', new_visit, 'counted', counted, 'posthog', posthog,
  'accepted', accepted, 'duplicates', duplicates}
