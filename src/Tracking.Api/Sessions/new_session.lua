--- @include "event_writes"
--- @include "session_client"
-- Creating a session (landing.lua): its hash fields, its first touch, the request context, the day's
-- counters, and the page's first events (L.events, usually its PageView: event_writes.lua).
-- Answers Sessions.PageLoadStatus: Created (accepted, duplicates, expires_at: when the session expires, ms since the
-- epoch on Redis's clock); Exists when the session already exists (a retried page load whose session id is derived
-- from its first event: the caller touches it instead); SessionFull (held) when the events alone pass A.max_events.
-- `charge` (optional): called once the session is known to be new and its events accepted, before anything is
-- written; an answer from it is returned instead (a refusal: nothing written). `more` (optional): called next; the
-- fields it answers (name, value, ... flat) are written with the session's.
local function create_session(charge, more)
  if redis.call('EXISTS', K.sess) == 1 then return {'status', S.Exists} end
  local plan, held = plan_events(true)
  if not plan then return {'status', S.SessionFull, 'held', held} end
  local refused = charge and charge()
  if refused then return refused end
  -- The new hash holds exactly L.fields (and `more`'s, which are none of AGG_FIELDS or VISIT_FIELDS): the fact and the
  -- events' visit and consent are known without reading it, and it is written once, with the events' visit
  -- (store_events: plan.pending), then given its TTL.
  plan.pending = flat_pairs(L.fields, more and more())
  local counters = agg_tiers()
  agg_known(counters, fields_after(AGG_FIELDS, {}, L.fields), M.Sessions, M.Touches)
  redis.call('RPUSH', K.touches, A.touch)
  set_client()
  local accepted, duplicates, expires = store_events(plan, true, fields_after(VISIT_FIELDS, {}, L.fields), K.touches, K.client)
  return {'status', S.Created, 'accepted', accepted, 'duplicates', duplicates, 'expires_at', expires}
end
