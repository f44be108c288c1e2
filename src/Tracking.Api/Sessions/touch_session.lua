--- @include "session_touch"
-- A return visit whose visitor's keys are not on the session's slot (or whose page named no visitor): a new visit is
-- counted by the caller (count_visit.lua, then set_session_count.lua). Answers as touch_session_visitor.lua, counted 0.
local status, visitor, new_visit, posthog, accepted, duplicates = touch_session()
if status == S.Unknown then return {'status', status} end
if status == S.SessionFull then return {'status', status, 'held', visitor} end
return {'status', status, 'visitor', visitor, 'new_visit', new_visit, 'counted', 0, 'posthog', posthog,
  'accepted', accepted, 'duplicates', duplicates}
