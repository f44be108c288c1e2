--- @include "event_writes"
-- POST /events: stores a request's events for one live session (plan_events and store_events).
-- Answers Events.AppendStatus: Stored (accepted, duplicates), UnknownSession, or SessionFull (held: the events the
-- session holds; this request's fresh ones would pass A.max_events, so nothing was written).
-- One read for whether the session exists (every session hash holds F.CreatedAt from its creation, and every script
-- that writes one checks it exists first) and for what store_events reads of it.
local kept = redis.call('HMGET', K.sess, F.CreatedAt, unpack(VISIT_FIELDS))
if not kept[1] then return {'status', S.UnknownSession} end
local plan, held = plan_events()
if not plan then return {'status', S.SessionFull, 'held', held} end
local accepted, duplicates = store_events(plan, false, {unpack(kept, 2, 1 + #VISIT_FIELDS)})
return {'status', S.Stored, 'accepted', accepted, 'duplicates', duplicates}
