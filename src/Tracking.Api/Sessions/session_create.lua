-- Creating a session, shared by create_session.lua (a known visitor, counted by count_visit.lua on the visitor's
-- slot) and create_visitor_session.lua (a new visitor whose id the server put on this session's slot): its hash
-- fields, its first touch, the request context, the day's counters, and the page's first events (L.events, usually
-- its PageView: event_writes.lua).
-- Returns {0, accepted, duplicates}; {1} when the session already exists (a retried page load whose session id is
-- derived from its first event: the caller touches it instead); {-2, held} when the events alone pass A.max_events.
local function create_session()
  if redis.call('EXISTS', K.sess) == 1 then return {1} end
  local plan, held = plan_events()
  if not plan then return {-2, held} end
  hset_pairs(K.sess, L.fields)
  local counters = agg_tiers(K.agg, K.agg_keys, K.agg_cand, K.agg_rank, K.agg_sel, L.report_campaigns, A.retain)
  agg(counters, K.sess, M.Sessions)
  agg(counters, K.sess, M.Touches)
  redis.call('RPUSH', K.touches, A.touch)
  if A.ip ~= '' then redis.call('HSET', K.client, CF.Ip, A.ip) end
  if A.ua ~= '' then redis.call('HSET', K.client, CF.UserAgent, A.ua) end
  refresh(tonumber(A.ttl), K.sess, K.touches, K.client)
  local stored = store_events(plan)
  return {0, stored[1], stored[2]}
end
