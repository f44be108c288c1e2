--- @include "session_touch"
-- A return visit whose visitor's keys are not on the session's slot (or whose page named no visitor): the caller
-- counts a new visit (count_visit.lua, then set_session_count.lua) and indexes the PostHog id. Answers as
-- touch_session_visitor.lua, own 0.
local status, visitor, new_visit, before, accepted, duplicates, expires = touch_session()
if status == S.Unknown then return {'status', status} end
if status == S.SessionFull then return {'status', status, 'held', visitor} end
return {'status', status, 'visitor', visitor, 'new_visit', new_visit, 'own', 0, 'posthog', 0, 'posthog_before', before,
  'accepted', accepted, 'duplicates', duplicates, 'expires_at', expires}
