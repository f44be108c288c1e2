--- @include "entries"
-- Visits (PostHog's $session_id, PostHogMapper.VisitId): the session keeps its current visit's first and latest event
-- times (F.VisitStart, F.VisitLast). One rule for every script that queues an event for PostHog: browser events
-- (event_writes.lua) and the server's (signup.lua, initiate_checkout.lua, record_stripe.lua), so they share visits.

-- The session fields an event's outbox entry is stamped from (its visit, and the consent: entries.lua), in the order
-- store_events (event_writes.lua) takes them as `kept`.
local VISIT_FIELDS = {F.VisitStart, F.VisitLast, F.ConsentMarketing, F.ConsentAnalytics}

-- The visit whose first and latest event times (ms) the session holds as `start` and `last` (false when it has
-- none), for visit_of and visit_save.
local function visit_from(start, last) return {start = tonumber(start), last = tonumber(last)} end

-- The session's current visit (empty when it has none).
local function visit_read(sess)
  local v = redis.call('HMGET', sess, F.VisitStart, F.VisitLast)
  return visit_from(v[1], v[2])
end

-- The start (ms) of the visit an event at `ts` (ms) belongs to, advancing `v`: a new visit when 30 minutes passed since
-- the visit's latest event. An event older than the visit's start (a late beacon, a slow retry) gets a visit of its
-- own starting at its own time, since a $session_id's timestamp must never be after its visit's first event; it leaves
-- `v` as it is, because moving the live visit back would make the visitor's next event look idle and split the visit.
local function visit_of(v, ts)
  if v.start and ts < v.start then return ts end
  if not v.start or ts - v.last > 1800000 then
    v.start, v.last = ts, ts
  elseif ts > v.last then
    v.last = ts
  end
  return v.start
end

-- Saves `v` in the session, in one HSET with `more` (name, value, ... flat; optional).
local function visit_save(sess, v, more)
  local flat = more or {}
  if v.start then
    flat[#flat + 1], flat[#flat + 2], flat[#flat + 3], flat[#flat + 4] = F.VisitStart, v.start, F.VisitLast, v.last
  end
  if #flat > 0 then redis.call('HSET', sess, unpack(flat)) end
end

-- The entry member naming the visit that starts at `start` (ms).
local function visit_member(start) return {E.VisitStart, start} end

-- The visit member of a server event (signup, checkout, Purchase) joining the session's current visit at `ts` (ms),
-- or starting one.
local function visit_at(sess, ts)
  local v = visit_read(sess)
  local start = visit_of(v, ts)
  visit_save(sess, v)
  return visit_member(start)
end
