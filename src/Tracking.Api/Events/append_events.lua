-- Stores a request's events for one live session: dedup (event id, once-only milestones), the sorted set, the
-- session fields they imply, the partition-day counters, and each fresh event's outbox entries.
-- Returns {accepted, duplicates}, or {-1, 0} when the session does not exist.
if redis.call('EXISTS', K.sess) == 0 then return {-1, 0} end
local accepted, duplicates, fresh = 0, 0, {}
for i, e in ipairs(L.events) do
  local new = e.milestone == '' or redis.call('SISMEMBER', K.seen, 'm:' .. e.milestone) == 0
  new = new and redis.call('SADD', K.seen, 'e:' .. e.id) == 1
  if new then
    accepted = accepted + 1
    fresh[i] = true
    if e.milestone ~= '' then redis.call('SADD', K.seen, 'm:' .. e.milestone) end
    redis.call('ZADD', K.events, e.score, e.member)
    if e.content ~= '' then
      redis.call('HSET', K.sess, F.ContentViewed, e.content)
      if redis.call('SADD', K.seen, 'f:content') == 1 then agg(K.agg, K.agg_keys, K.sess, M.ContentViews) end
    end
    if e.completion_field ~= '' then
      local metric = M.VideoPrefix .. e.completion_value
      if redis.call('SADD', K.seen, 'f:' .. metric) == 1 then agg(K.agg, K.agg_keys, K.sess, metric) end
      local value = tonumber(e.completion_value)
      if value > (tonumber(redis.call('HGET', K.sess, e.completion_field)) or 0) then
        redis.call('HSET', K.sess, e.completion_field, value)
      end
    end
  else
    duplicates = duplicates + 1
  end
end
-- Visits (PostHog's $session_id): a new one when 30 minutes passed since the visit's latest event, or when an event
-- is older than the visit's start (its id's timestamp must never be after the visit's first event).
local visit_start = tonumber(redis.call('HGET', K.sess, F.VisitStart))
local visit_last = tonumber(redis.call('HGET', K.sess, F.VisitLast))
local starts = {}
for i, e in ipairs(L.events) do
  if fresh[i] then
    local ts = math.floor(tonumber(e.score))
    if not visit_start or ts < visit_start or ts - visit_last > 1800000 then
      visit_start, visit_last = ts, ts
    elseif ts > visit_last then
      visit_last = ts
    end
    starts[i] = visit_start
  end
end
if visit_start then redis.call('HSET', K.sess, F.VisitStart, visit_start, F.VisitLast, visit_last) end
for _, o in ipairs(L.outbox) do
  local i = tonumber(o.event)
  if fresh[i] then
    local entry = string.gsub(L.events[i].entry, '"%$visitStart":%-1', '"$visitStart":' .. string.format('%d', starts[i]), 1)
    enqueue(K.due, K.items, A.now, o.id, entry)
  end
end
-- The session, its events and its dedup set live and die together; touches and client data are
-- refreshed by POST /session, which the snippet calls on every page load.
refresh(tonumber(A.ttl), K.sess, K.events, K.seen)
return {accepted, duplicates}
