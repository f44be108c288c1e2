--- @include "hashes"
-- The session hash as store_events (event_writes.lua) reads and writes it: the fields it may need read in one
-- HMGET, what changes written in one HSET, and the TTLs refreshed when they have run down.

-- The session fields store_events may read, besides each event's own per-content fields: read in one HMGET, and
-- what changes is written in one HSET at the end: one write for the replicas and the AOF to apply, not one per field.
local STORE_READS = {F.VisitStart, F.VisitLast, F.ConsentMarketing, F.ConsentAnalytics, F.LastTouchSource,
  F.LastTouchMedium, F.LastTouchCampaign, F.LastTouchContent, F.SelectedCampaign, F.ContentViewed, F.WatchReportedAt,
  F.CreatedAt, F.TotalWatchTime, F.CompletionCount, F.WatchedCount, F.WatchTimeCount}

-- The session's fields of STORE_READS and those the events store_events takes (`fresh` or `watch_only`) name, as
-- `fields` (name -> value, false when absent), with `changed` kept for store_save.
local function store_read(fresh, watch_only)
  local all, seen = {}, {}
  local function want(n)
    if n ~= '' and not seen[n] then all[#all + 1] = n; seen[n] = true end
  end
  for _, n in ipairs(STORE_READS) do want(n) end
  for i, e in ipairs(L.events) do
    if fresh[i] or watch_only[i] then want(e.completion_field); want(e.watched_field); want(e.watch_field) end
  end
  local values = redis.call('HMGET', K.sess, unpack(all))
  local sf = {fields = {}, changed = {}}
  for i, n in ipairs(all) do sf.fields[n] = values[i] end
  return sf
end

local function store_set(sf, name, value)
  if sf.fields[name] == value then return end
  sf.fields[name] = value
  if not sf.changed[name] then
    sf.changed[name] = true
    sf.changed[#sf.changed + 1] = name
  end
end

local function store_save(sf)
  if #sf.changed == 0 then return end
  local flat = {}
  for _, n in ipairs(sf.changed) do flat[#flat + 1] = n; flat[#flat + 1] = sf.fields[n] end
  redis.call('HSET', K.sess, unpack(flat))
end

-- Per-content fields (_completion, _watched, _watch_time) exist for at most A.max_contents contents each, counted in a
-- bookkeeping field per kind (F.CompletionCount, …), so claiming a new one needs no scan of the hash. (A session older
-- than these counters may hold up to twice the cap until it expires.)
local function store_claim(sf, counter)
  local n = (tonumber(sf.fields[counter]) or 0) + 1
  if n > tonumber(A.max_contents) then return false end
  store_set(sf, counter, tostring(n))
  return true
end

-- Whether the per-content `field` exists or could be claimed under `counter`.
local function store_content_field(sf, field, counter)
  return sf.fields[field] or store_claim(sf, counter)
end

-- Watch time: the seconds a report brings are added only up to the wall-clock time between the session's previous
-- report (or its creation) and this one, both taken at their event time clamped to the server's clock, so a script
-- cannot inflate it and a report delayed on the network does not eat the next one's time.
local function store_watch(sf, fresh, watch_only)
  local f, watch_budget, watch_last = sf.fields, nil, nil
  local function seconds(x) return string.format('%.1f', math.floor(x * 10 + 0.5) / 10) end
  for i, e in ipairs(L.events) do
    if (fresh[i] or watch_only[i]) and e.watch ~= '' then
      if not watch_budget then
        watch_last = tonumber(f[F.WatchReportedAt]) or tonumber(f[F.CreatedAt]) or tonumber(A.now)
        watch_budget = 0
      end
      -- The report's own instant (its event time), never before the previous report nor after the server's now: a
      -- report that travelled slowly does not lose the time played before it, and no timestamp can create time.
      local at = math.min(math.max(math.floor(tonumber(e.score)), watch_last), tonumber(A.now))
      watch_budget = watch_budget + (at - watch_last) / 1000
      watch_last = at
      store_set(sf, F.WatchReportedAt, string.format('%d', at))
      local add = math.min(tonumber(e.watch), watch_budget)
      if add > 0 then
        watch_budget = watch_budget - add
        store_set(sf, F.TotalWatchTime, seconds((tonumber(f[F.TotalWatchTime]) or 0) + add))
        if store_content_field(sf, e.watch_field, F.WatchTimeCount) then
          store_set(sf, e.watch_field, seconds((tonumber(f[e.watch_field]) or 0) + add))
        end
      end
    end
  end
end

-- The session's last touch and selected campaign, as agg_of takes them.
local function store_touch(sf)
  local f = sf.fields
  return {f[F.LastTouchSource], f[F.LastTouchMedium], f[F.LastTouchCampaign], f[F.LastTouchContent], f[F.SelectedCampaign]}
end

-- The session, its events and its dedup set live and die together (every script that writes one refreshes the
-- three). Events refresh them when the dedup set's TTL has run down by more than a small slack (30 s, or a hundredth
-- of a short TTL), so a visitor's events seconds apart cost one PTTL instead of three EXPIREs, which Redis also
-- propagates to its replicas as PEXPIREAT. A page load refreshes them itself: its answer's expiresAt is exact.
-- `created`: this request made the events key (a checkout may have made the dedup set before it), which has no TTL yet.
local function store_refresh(created)
  local ttl = tonumber(A.ttl) * 1000
  if created or redis.call('PTTL', K.seen) < ttl - math.min(30000, ttl / 100) then
    refresh(tonumber(A.ttl), K.sess, K.events, K.seen)
  end
end
