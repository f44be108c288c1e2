--- @include "hashes"
-- Counting a fact, on the request path: the partition-day counters are not written here. Each fact is appended to
-- the partition's projection log (K.agg_log, a list on the partition's slot) with what counting it needs as of
-- now: the day (K.agg names the partition-day counters it counts in), the metric, the session's current last touch
-- and selected campaign, or for a cohort join the once-per-session flags the seen set already holds. The projection
-- (Projection/project.lua, aggregate_tiers.lua) counts the log in order, so the counts are the ones counting here
-- would have made. Bounds: the log holds at most C.MaxProjectionFacts facts (the oldest go first) and lives
-- A.retain seconds after it was made or last projected (project.lua refreshes it), like the counters: an append
-- sets the TTL only when it makes the log, so a busy log costs no EXPIRE per append.

-- The once-per-session facts (seen-set flags) a session brings to a campaign cohort it joins, in the order a join
-- fact lists them (its `f` field: one '0'/'1' per flag).
local AGG_FLAGS = {
  {M.ContentViews, 'f:content'}, {M.Video25, 'f:' .. M.Video25}, {M.Video50, 'f:' .. M.Video50},
  {M.Video75, 'f:' .. M.Video75}, {M.Video95, 'f:' .. M.Video95}, {M.Checkouts, 'f:checkout'},
}
-- The metric of a cohort join fact (no counter of that name exists).
local AGG_JOIN = '#join'

-- The day (yyyy-MM-dd) of the partition-day counters K.agg.
local function agg_day() return string.sub(K.agg, -10) end

-- The projection log of the script's partition, as `agg` and `agg_select` take it.
local function agg_tiers()
  return {log = K.agg_log, day = agg_day(), ttl = tonumber(A.retain)}
end

-- Appends facts (tables of name/value), stamped with the day and Redis's time in ms (`t`, which the lag is measured
-- from; one stamp per run of the script, hashes.lua redis_now), in one RPUSH; past C.MaxProjectionFacts the oldest
-- facts go.
local function agg_push(t, facts)
  local ms, encoded = redis_now(), {}
  for i, fact in ipairs(facts) do
    fact.d, fact.t = t.day, ms
    encoded[i] = cjson.encode(fact)
  end
  local length = redis.call('RPUSH', t.log, unpack(encoded))
  if length == #encoded then
    redis.call('EXPIRE', t.log, t.ttl)
  elseif length > C.MaxProjectionFacts then
    redis.call('LTRIM', t.log, -C.MaxProjectionFacts, -1)
  end
end

-- The session (whose dedup set is `seen`) selected `campaign`: it joins that campaign's cohort, once, bringing the
-- once-per-session facts it already has.
local function agg_select(t, sess, seen, campaign)
  if redis.call('SADD', seen, 's:' .. campaign) == 0 then return end
  local flags = {}
  for i, f in ipairs(AGG_FLAGS) do flags[i] = redis.call('SISMEMBER', seen, f[2]) end
  agg_push(t, {{m = AGG_JOIN, c = campaign, f = table.concat(flags)}})
end

-- The session fields a fact is counted by: its current last touch, and the campaign it has selected.
local AGG_FIELDS = {F.LastTouchSource, F.LastTouchMedium, F.LastTouchCampaign, F.LastTouchContent, F.SelectedCampaign}

-- One fact of the session per metric given (one append), counted for `f`: what the session's AGG_FIELDS hold now
-- (false for none), when the caller knows it without reading the session (agg reads it).
local function agg_known(t, f, ...)
  local facts = {}
  for i, metric in ipairs({...}) do
    facts[i] = {m = metric, s = f[1] or '', md = f[2] or '', c = f[3] or '', ct = f[4] or '', sel = f[5] or ''}
  end
  agg_push(t, facts)
end

-- agg_known for the session `sess` as it is now (one read).
local function agg(t, sess, ...)
  agg_known(t, redis.call('HMGET', sess, unpack(AGG_FIELDS)), ...)
end
