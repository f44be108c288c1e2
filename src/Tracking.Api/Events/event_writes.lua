--- @include "event_plan"
--- @include "visits"
--- @include "aggregates"
--- @include "event_outbox"
--- @include "hashes"
--- @include "watch_time"
--- @include "event_failed"
-- Storing a request's events for one live session, shared by append_events.lua (POST /events) and POST /session's
-- scripts (a page's first events ride in the session request): dedup (event id, once-only milestones), the sorted
-- set, the session fields they imply, the partition-day counters, and each fresh event's outbox entries.
-- Bounds: completion fields for at most A.max_contents contents (later contents' milestones are stored as
-- events and counted, without a field). The seen set grows by at most two members per stored event (plus six
-- once-per-session facts, and one per fundraising campaign selected, each a stored event).

-- store_events' work (below), which answers the same.
local function write_events(plan, renew, kept, ...)
  local fresh, count, watch_only = plan.fresh, plan.count, plan.watch_only
  local counters = agg_tiers()
  -- The caller's deferred fields go in the one HSET that saves the visit, below, unless a step reads or writes the
  -- session's fields first: settle writes them then (once), so that step sees the session as it would be.
  local pending = plan.pending
  local function settle()
    if pending and #pending > 0 then redis.call('HSET', K.sess, unpack(pending)) end
    pending, plan.saved = nil, true
  end
  -- Fields the events set that no step here reads (a PageView's last page, the content viewed) go in that HSET too,
  -- after the deferred ones: `name, value, ...` in event order, so the latest value wins as it would.
  local unread = {}
  -- Per-content fields (_completion, _watched, _watch_time) exist for at most A.max_contents contents each, counted
  -- in a bookkeeping field per kind (F.CompletionCount, …): claiming a new one is one HINCRBY, not a scan of the hash.
  -- (A session older than these counters may hold up to twice the cap until it expires.)
  local function claim(counter)
    if redis.call('HINCRBY', K.sess, counter, 1) <= tonumber(A.max_contents) then return true end
    redis.call('HINCRBY', K.sess, counter, -1)
    return false
  end
  local function content_field(field, counter)
    settle()
    return redis.call('HEXISTS', K.sess, field) == 1 or claim(counter)
  end
  for i, e in ipairs(L.events) do
    if fresh[i] then
      redis.call('SADD', K.seen, 'e:' .. e.id)
      if e.milestone ~= '' then redis.call('SADD', K.seen, 'm:' .. e.milestone) end
      redis.call('ZADD', K.events, e.score, e.member)
      -- One session field the event sets (CampaignSelected: selected_campaign, the latest choice, written at once as
      -- the facts counted after it carry it, agg; a PageView's last_page, which nothing here reads).
      if e.set_field == F.SelectedCampaign then
        settle()
        redis.call('HSET', K.sess, e.set_field, e.set_value)
        agg_select(counters, K.sess, K.seen, e.set_value)
      elseif e.set_field ~= '' then
        unread[#unread + 1], unread[#unread + 2] = e.set_field, e.set_value
      end
      if e.watched_field ~= '' and content_field(e.watched_field, F.WatchedCount) then redis.call('HSET', K.sess, e.watched_field, 'true') end
      if e.content ~= '' then
        unread[#unread + 1], unread[#unread + 2] = F.ContentViewed, e.content
        if redis.call('SADD', K.seen, 'f:content') == 1 then settle(); agg(counters, K.sess, M.ContentViews) end
      end
      if e.completion_field ~= '' then
        settle()
        local metric = M.VideoPrefix .. e.completion_value
        -- The daily counters have the four milestones; completion (100, VideoComplete) is a session field only.
        if tonumber(e.completion_value) < 100 and redis.call('SADD', K.seen, 'f:' .. metric) == 1 then agg(counters, K.sess, metric) end
        local value = tonumber(e.completion_value)
        local current = redis.call('HGET', K.sess, e.completion_field)
        if current then
          if value > tonumber(current) then redis.call('HSET', K.sess, e.completion_field, value) end
        elseif claim(F.CompletionCount) then
          redis.call('HSET', K.sess, e.completion_field, value)
        end
      end
    end
  end
  add_watch_time(fresh, watch_only, settle, content_field)
  -- Each fresh event's visit (visits.lua), in posted order, and the consent its outbox entries carry.
  local visit = visit_from(kept[1], kept[2])
  local starts = {}
  for i, e in ipairs(L.events) do
    if fresh[i] then starts[i] = visit_of(visit, math.floor(tonumber(e.score))) end
  end
  if pending then
    for _, v in ipairs(unread) do pending[#pending + 1] = v end
    unread = pending
  end
  visit_save(K.sess, visit, unread)
  plan.saved = true
  enqueue_events(fresh, starts, consent_of(kept[3], kept[4]))
  -- The session, its events and its dedup set live and die together, refreshed once their TTL has run down, and at
  -- once when asked or when this request made the events key (a checkout may have made the dedup set before any event).
  local force = renew or (count > 0 and plan.held == 0)
  local expires = refresh_run_down(tonumber(A.ttl), force, K.sess, K.events, K.seen, ...)
  return count, #L.events - count, expires
end

-- Writes a plan of plan_events (the session exists, or is made here from plan.pending). Returns the events accepted,
-- the duplicates and when the session's keys expire. `renew`: the session's TTLs are refreshed whatever they are (a
-- new session). `kept`: the session's VISIT_FIELDS, which every caller knows from its own read or write (no step
-- here writes them before they are read). `...`: more of the session's keys refreshed with them (a page load's touches and client), the
-- last one the TTL probe. plan.pending (optional; name, value, ... flat): session fields the caller deferred (a page
-- load's landing or touch) to the one HSET that saves the visit (unless a step settled them first, the table gets the
-- events' fields and the visit's appended; plan.saved once written). Should a step fail, event_failed.lua mends what the run left and the error
-- goes on.
local function store_events(plan, renew, kept, ...)
  local ok, accepted, duplicates, expires = pcall(write_events, plan, renew, kept, ...)
  if ok then return accepted, duplicates, expires end
  events_failed(plan, ...)
  error(accepted, 0)
end
