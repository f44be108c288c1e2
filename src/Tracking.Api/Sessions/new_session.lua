--- @include "event_writes"
--- @include "session_client"
-- Creating a session (landing.lua): its hash fields, its first touch, the request context, the day's
-- counters, and the page's first events (L.events, usually its PageView: event_writes.lua).
-- Answers Sessions.PageLoadStatus: Created (accepted, duplicates, expires_at: when the session expires, ms since the
-- epoch on Redis's clock); Exists when the session already exists (a retried page load whose session id is derived
-- from its first event: the caller touches it instead); SessionFull (held) when the events alone pass A.max_events.
-- `charge` (optional): called once the session is known to be new and its events accepted, before anything is
-- written; an answer from it is returned instead (a refusal: nothing written).
local function create_session(charge)
  if redis.call('EXISTS', K.sess) == 1 then return {'status', S.Exists} end
  local plan, held = plan_events(true)
  if not plan then return {'status', S.SessionFull, 'held', held} end
  local refused = charge and charge()
  if refused then return refused end
  hset_pairs(K.sess, L.fields)
  -- The new hash holds exactly L.fields: the fact and the events' visit and consent are known without reading it.
  local counters = agg_tiers()
  agg_known(counters, fields_after(AGG_FIELDS, {}, L.fields), M.Sessions, M.Touches)
  redis.call('RPUSH', K.touches, A.touch)
  set_client()
  -- Its events and dedup set are refreshed by store_events, below (which refreshes the session again: the new hash
  -- gets its TTL here in case the script stops between the two).
  refresh(tonumber(A.ttl), K.sess, K.touches, K.client)
  local accepted, duplicates, expires = store_events(plan, true, fields_after(VISIT_FIELDS, {}, L.fields))
  return {'status', S.Created, 'accepted', accepted, 'duplicates', duplicates, 'expires_at', expires}
end
