-- POST /events: stores a request's events for one live session (plan_events and store_events, event_writes.lua).
-- Returns {accepted, duplicates}, {-1, 0} when the session does not exist, or {-2, held} when the session holds
-- `held` events and this request's fresh ones would pass A.max_events (nothing written).
if redis.call('EXISTS', K.sess) == 0 then return {-1, 0} end
local plan, held = plan_events()
if not plan then return {-2, held} end
return store_events(plan)
