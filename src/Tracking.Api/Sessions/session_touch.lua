--- @include "event_writes"
--- @include "session_client"
-- A return visit to a live session, shared by touch_session.lua and visitor_touch.lua: a new fbclid restarts
-- its clock, campaign parameters move the last touch (clearing last-touch fields the new touch lacks), and every key
-- of the session lives on.
-- The touches list keeps the first touch (it anchors first-touch attribution and time to conversion) and the latest
-- A.max_touches - 1, so no number of landings can grow it.
-- A page load after 30 minutes without page loads or events is a new visit (counted for the visitor).
-- The page's first events (L.events) are stored after the touch, so they count under the new last touch.
-- Returns the status (Sessions.PageLoadStatus): Touched, then the session's visitor, 1 when this is a new visit,
-- the PostHog distinct id stored before this page load ('' for none), accepted, duplicates and when the session
-- expires (ms since the epoch, Redis's clock: its expiresAt); Unknown when the session does not exist; SessionFull,
-- then held, when the events would pass A.max_events (nothing written, not even the touch).
-- A touch's one read: whether the session exists (every session hash holds F.CreatedAt), what the touch decides by,
-- then (from TOUCH_AGG_AT, TOUCH_VISIT_AT) the fields its fact and its events' visit and consent are computed from once
-- the touch has written its own.
local TOUCH_READ = {F.VisitLast, F.PageLoadLast, F.CreatedAt, F.VisitorId, F.PosthogDistinctId, F.Fbclid}
local TOUCH_AGG_AT = #TOUCH_READ + 1
for _, f in ipairs(AGG_FIELDS) do TOUCH_READ[#TOUCH_READ + 1] = f end
local TOUCH_VISIT_AT = #TOUCH_READ + 1
for _, f in ipairs(VISIT_FIELDS) do TOUCH_READ[#TOUCH_READ + 1] = f end
local TOUCH_AT = {} -- field -> its place in TOUCH_READ
for i, f in ipairs(TOUCH_READ) do TOUCH_AT[f] = i end

-- `more` (optional): called with the session's visitor ('' for none) and new_visit once the touch is known to be
-- written; the fields it answers (name, value, ... flat; or nil) are written with the touch's.
local function touch_session(more)
  local stored = redis.call('HMGET', K.sess, unpack(TOUCH_READ))
  if not stored[3] then return S.Unknown end
  local plan, held = plan_events()
  if not plan then return S.SessionFull, held end
  local last = math.max(tonumber(stored[1]) or 0, tonumber(stored[2]) or 0, tonumber(stored[3]) or 0)
  local new_visit = tonumber(A.now) - last > 1800000 and 1 or 0
  -- The page load's time, a new fbclid and the touch's fields, written with its events' visit in one HSET
  -- (store_events: plan.pending).
  local own = {F.PageLoadLast, A.now}
  if A.fbclid ~= '' and stored[6] ~= A.fbclid then
    own[3], own[4], own[5], own[6] = F.Fbclid, A.fbclid, F.FbclidFirstSeen, A.now
  end
  for _, v in ipairs(more and more(stored[4] or '', new_visit) or {}) do own[#own + 1] = v end
  -- Last-touch fields the new touch lacks, deleted unless the read found them absent already (a campaign's usual
  -- touch repeats the same parameters, so there is mostly nothing to delete).
  local cleared = {}
  for _, c in ipairs(L.cleared) do
    if not TOUCH_AT[c.name] or stored[TOUCH_AT[c.name]] then cleared[#cleared + 1] = c.name end
  end
  if #cleared > 0 then redis.call('HDEL', K.sess, unpack(cleared)) end
  plan.pending = flat_pairs(L.fields, own)
  if A.touch ~= '' then
    local max = tonumber(A.max_touches)
    if redis.call('RPUSH', K.touches, A.touch) > max then
      local first = redis.call('LINDEX', K.touches, 0)
      redis.call('LTRIM', K.touches, 1 - max, -1)
      redis.call('LPUSH', K.touches, first)
    end
    local fact = fields_after(AGG_FIELDS, {unpack(stored, TOUCH_AGG_AT, TOUCH_VISIT_AT - 1)}, L.fields, L.cleared)
    agg_known(agg_tiers(), fact, M.Touches)
  end
  -- Every key of the session lives on, refreshed with the session's (store_events) once their TTL has run down: the
  -- touches list is the probe, as only page loads refresh it and the client hash, while events refresh the others. A
  -- client hash this touch may have made (the session's earlier requests carried no address) is refreshed at once.
  local grew = set_client()
  local kept = fields_after(VISIT_FIELDS, {unpack(stored, TOUCH_VISIT_AT, #TOUCH_READ)}, L.fields, L.cleared)
  local accepted, duplicates, expires = store_events(plan, grew, kept, K.client, K.touches)
  return S.Touched, stored[4] or '', new_visit, stored[5] or '', accepted, duplicates, expires
end
