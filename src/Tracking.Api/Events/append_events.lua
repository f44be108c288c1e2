--- @include "event_writes"
-- POST /events: stores a request's events for one live session (plan_events and store_events).
-- Answers Events.AppendStatus: Stored (accepted, duplicates), UnknownSession, or SessionFull (held: the events the
-- session holds; this request's fresh ones would pass A.max_events, so nothing was written).
if redis.call('EXISTS', K.sess) == 0 then return {'status', S.UnknownSession} end
local plan, held = plan_events()
if not plan then return {'status', S.SessionFull, 'held', held} end
local accepted, duplicates = store_events(plan)
return {'status', S.Stored, 'accepted', accepted, 'duplicates', duplicates}
