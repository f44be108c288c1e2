--- @include "event_writes"
-- A return visit to a live session: a new fbclid restarts its clock, campaign parameters move the last touch
-- (clearing last-touch fields the new touch lacks), and every key of the session lives on.
-- The touches list keeps the first touch (it anchors first-touch attribution and time to conversion) and the latest
-- A.max_touches - 1, so no number of landings can grow it.
-- A page load after 30 minutes without page loads or events is a new visit (the caller counts it for the visitor).
-- The page's first events (L.events) are stored after the touch, so they count under the new last touch.
-- Answers Sessions.PageLoadStatus: Touched (visitor, new_visit: 1 when this is a new visit, accepted, duplicates);
-- Unknown when the session does not exist; SessionFull (held) when the events would pass A.max_events (nothing
-- written, not even the touch).
if redis.call('EXISTS', K.sess) == 0 then return {'status', S.Unknown} end
local plan, held = plan_events()
if not plan then return {'status', S.SessionFull, 'held', held} end
local activity = redis.call('HMGET', K.sess, F.VisitLast, F.PageLoadLast, F.CreatedAt)
local last = math.max(tonumber(activity[1]) or 0, tonumber(activity[2]) or 0, tonumber(activity[3]) or 0)
local new_visit = tonumber(A.now) - last > 1800000 and 1 or 0
redis.call('HSET', K.sess, F.PageLoadLast, A.now)
if A.fbclid ~= '' and redis.call('HGET', K.sess, F.Fbclid) ~= A.fbclid then
  redis.call('HSET', K.sess, F.Fbclid, A.fbclid, F.FbclidFirstSeen, A.now)
end
if #L.cleared > 0 then
  local names = {}
  for i, c in ipairs(L.cleared) do names[i] = c.name end
  redis.call('HDEL', K.sess, unpack(names))
end
hset_pairs(K.sess, L.fields)
if A.touch ~= '' then
  local max = tonumber(A.max_touches)
  if redis.call('RPUSH', K.touches, A.touch) > max then
    local first = redis.call('LINDEX', K.touches, 0)
    redis.call('LTRIM', K.touches, 1 - max, -1)
    redis.call('LPUSH', K.touches, first)
  end
  agg(agg_tiers(), K.sess, M.Touches)
end
if A.ip ~= '' then redis.call('HSET', K.client, CF.Ip, A.ip) end
if A.ua ~= '' then redis.call('HSET', K.client, CF.UserAgent, A.ua) end
refresh(tonumber(A.ttl), K.sess, K.events, K.seen, K.touches, K.client)
local accepted, duplicates = store_events(plan)
return {'status', S.Touched, 'visitor', redis.call('HGET', K.sess, F.VisitorId) or '', 'new_visit', new_visit,
  'accepted', accepted, 'duplicates', duplicates}
