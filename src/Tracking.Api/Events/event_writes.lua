--- @include "event_plan"
--- @include "visits"
--- @include "aggregates"
--- @include "outbox"
--- @include "hashes"
--- @include "event_session"
-- Storing a request's events for one live session, shared by append_events.lua (POST /events) and POST /session's
-- scripts (a page's first events ride in the session request): dedup (event id, once-only milestones), the sorted
-- set, the session fields they imply, the partition-day counters, and each fresh event's outbox entries.
-- Bounds: completion fields for at most A.max_contents contents (later contents' milestones are stored as
-- events and counted, without a field). The seen set grows by at most two members per stored event (plus six
-- once-per-session facts, and one per fundraising campaign selected, each a stored event).

-- Writes a plan of plan_events (the session exists). Returns the events accepted and the duplicates.
local function store_events(plan)
  local fresh, count, watch_only = plan.fresh, plan.count, plan.watch_only
  local counters = agg_tiers()
  local sf = store_read(fresh, watch_only)
  local f = sf.fields
  local seen, scored = {}, {}
  for i, e in ipairs(L.events) do
    if fresh[i] then
      seen[#seen + 1] = 'e:' .. e.id
      if e.milestone ~= '' then seen[#seen + 1] = 'm:' .. e.milestone end
      scored[#scored + 1] = e.score
      scored[#scored + 1] = e.member
      -- One session field the event sets (CampaignSelected: selected_campaign, the latest choice).
      if e.set_field ~= '' then store_set(sf, e.set_field, e.set_value) end
      if e.set_field == F.SelectedCampaign then agg_select(counters, K.sess, K.seen, e.set_value) end
      if e.watched_field ~= '' and store_content_field(sf, e.watched_field, F.WatchedCount) then store_set(sf, e.watched_field, 'true') end
      if e.content ~= '' then
        store_set(sf, F.ContentViewed, e.content)
        if redis.call('SADD', K.seen, 'f:content') == 1 then agg_of(counters, store_touch(sf), M.ContentViews) end
      end
      if e.completion_field ~= '' then
        local metric = M.VideoPrefix .. e.completion_value
        -- The daily counters have the four milestones; completion (100, VideoComplete) is a session field only.
        if tonumber(e.completion_value) < 100 and redis.call('SADD', K.seen, 'f:' .. metric) == 1 then agg_of(counters, store_touch(sf), metric) end
        local value = tonumber(e.completion_value)
        local current = f[e.completion_field]
        if current then
          if value > tonumber(current) then store_set(sf, e.completion_field, e.completion_value) end
        elseif store_claim(sf, F.CompletionCount) then
          store_set(sf, e.completion_field, e.completion_value)
        end
      end
    end
  end
  if #seen > 0 then
    redis.call('SADD', K.seen, unpack(seen))
    redis.call('ZADD', K.events, unpack(scored))
  end
  store_watch(sf, fresh, watch_only)
  -- Each fresh event's visit (visits.lua), in posted order.
  local visit = visit_from(f[F.VisitStart], f[F.VisitLast])
  local starts = {}
  for i, e in ipairs(L.events) do
    if fresh[i] then starts[i] = visit_of(visit, math.floor(tonumber(e.score))) end
  end
  if visit.start then
    store_set(sf, F.VisitStart, string.format('%d', visit.start))
    store_set(sf, F.VisitLast, string.format('%d', visit.last))
  end
  store_save(sf)
  local consent = consent_of(f[F.ConsentMarketing], f[F.ConsentAnalytics])
  local ids = {} -- event index -> its destinations' outbox ids (one entry stored for all of them)
  for _, o in ipairs(L.outbox) do
    local i = tonumber(o.event)
    if fresh[i] then
      if not ids[i] then ids[i] = {} end
      table.insert(ids[i], o.id)
    end
  end
  for i, e in ipairs(L.events) do
    if ids[i] then
      enqueue(K.due, K.items, A.now, ids[i], entry_with(e.entry, {visit_member(starts[i]), consent[1], consent[2]}))
    end
  end
  -- Touches and client data are refreshed by POST /session, which the snippet calls on every page load.
  store_refresh(count > 0 and plan.held == 0)
  return count, #L.events - count
end
