-- Shared by every script (prepended after F and C, before the script's own layout preamble).
local unpack = unpack or table.unpack

-- Daily attribution counters of a partition-day, in two tiers (Storage/Aggregates.cs explains the scheme):
-- admitted keys (agg_keys, at most C.MaxAttributionKeys, never evicted) count in `agg`; any other key is a candidate
-- counted in `agg_cand` and ranked in `agg_rank` by facts counted (+ an age fraction), at most C.MaxCandidateKeys.
-- A new key evicts the candidate with the fewest facts, the oldest of those (its counts move to '(other)', totals stay
-- exact); a candidate with C.AdmitAfterFacts facts is admitted. Allow-listed campaigns skip the candidates.
local AGG_METRICS = {M.Sessions, M.Touches, M.ContentViews, M.Checkouts, M.Video25, M.Video50, M.Video75, M.Video95}
local AGG_OTHER = '(other)|||'
local AGG_SEQ = '#seq' -- field of agg_cand (no '|', so no counter): candidates inserted so far, for the age fraction
local AGG_AGE = 2 ^ 33 -- candidates of equal count are ordered by insertion: score = facts + seq / AGG_AGE

-- The keys of a partition-day plus the allow-listed campaigns ({name} records), as `agg` takes them; all four keys
-- live `ttl` seconds (Reports:RetentionDays) after their last write.
local function agg_tiers(hash, keys, cand, rank, sel, campaigns, ttl)
  local allowed = {}
  for _, c in ipairs(campaigns) do allowed[c.name] = true end
  return {hash = hash, keys = keys, cand = cand, rank = rank, sel = sel, allowed = allowed, ttl = tonumber(ttl), dirty = {}}
end

-- Every write to a counter key of `t` goes through here, so agg_retain refreshes the TTL of exactly the keys written
-- (each command inside a script costs a few µs; a fact usually writes one or two of the five keys).
local function agg_write(t, command, key, ...)
  if not t.dirty[key] then
    t.dirty[key] = true
    t.dirty[#t.dirty + 1] = key
  end
  return redis.call(command, key, ...)
end

local function agg_retain(t)
  for _, key in ipairs(t.dirty) do redis.call('EXPIRE', key, t.ttl) end
  t.dirty = {}
end

-- Moves every candidate counter of `key` onto the admitted counters of `into`, and drops the candidate.
local function agg_move(t, key, into)
  local names = {}
  for i, m in ipairs(AGG_METRICS) do names[i] = m .. '|' .. key end
  local counts = redis.call('HMGET', t.cand, unpack(names))
  for i, m in ipairs(AGG_METRICS) do
    if counts[i] then agg_write(t, 'HINCRBY', t.hash, m .. '|' .. into, counts[i]) end
  end
  agg_write(t, 'HDEL', t.cand, unpack(names))
  agg_write(t, 'ZREM', t.rank, key)
end

-- Returns the session's selected fundraising campaign (read in the same HMGET, for `agg`), or nil.
local function agg_count(t, sess, metric)
  local f = redis.call('HMGET', sess, F.LastTouchSource, F.LastTouchMedium, F.LastTouchCampaign, F.LastTouchContent, F.SelectedCampaign)
  local parts = {}
  for i = 1, 4 do parts[i] = (string.gsub(f[i] or '', '[|\n]', '_')) end
  local key = table.concat(parts, '|')
  if redis.call('SISMEMBER', t.keys, key) == 1 then
    agg_write(t, 'HINCRBY', t.hash, metric .. '|' .. key, 1)
    return f[5]
  end
  local room = redis.call('SCARD', t.keys) < C.MaxAttributionKeys
  if f[3] and t.allowed[f[3]] then
    if room then
      agg_move(t, key, key) -- counted as a candidate before the campaign was listed
      agg_write(t, 'SADD', t.keys, key)
      agg_write(t, 'HINCRBY', t.hash, metric .. '|' .. key, 1)
    else
      agg_write(t, 'HINCRBY', t.hash, metric .. '|(other)||' .. parts[3] .. '|', 1)
    end
    return f[5]
  end
  if not redis.call('ZSCORE', t.rank, key) then
    if redis.call('ZCARD', t.rank) >= C.MaxCandidateKeys then
      local victim = agg_write(t, 'ZPOPMIN', t.rank)
      agg_move(t, victim[1], AGG_OTHER)
    end
    local seq = agg_write(t, 'HINCRBY', t.cand, AGG_SEQ, 1)
    agg_write(t, 'ZADD', t.rank, string.format('%.17g', math.min(seq, AGG_AGE - 1) / AGG_AGE), key)
  end
  agg_write(t, 'HINCRBY', t.cand, metric .. '|' .. key, 1)
  local facts = math.floor(tonumber(agg_write(t, 'ZINCRBY', t.rank, 1, key)))
  if facts >= C.AdmitAfterFacts and room then
    agg_move(t, key, key)
    agg_write(t, 'SADD', t.keys, key)
  end
  return f[5]
end

-- Fundraising-campaign cohorts of a partition-day (`agg_sel`, fields `metric|campaign id`; Storage/Aggregates.cs):
-- a session joins the cohort of each campaign it selects once (agg_select), bringing the once-per-session facts it
-- already has (its seen set's f: flags); a fact counted later counts for the campaign selected at that moment. At
-- most C.MaxSelectedCampaigns campaigns per partition-day (`#|id` marks one, `#n` counts them); later ones are '(other)'.
local SEL_FLAGS = {
  {M.ContentViews, 'f:content'}, {M.Video25, 'f:' .. M.Video25}, {M.Video50, 'f:' .. M.Video50},
  {M.Video75, 'f:' .. M.Video75}, {M.Video95, 'f:' .. M.Video95}, {M.Checkouts, 'f:checkout'},
}
local SEL_METRIC = {}
for _, f in ipairs(SEL_FLAGS) do SEL_METRIC[f[1]] = true end

local function sel_key(t, campaign)
  if redis.call('HEXISTS', t.sel, '#|' .. campaign) == 1 then return campaign end
  if tonumber(redis.call('HGET', t.sel, '#n') or '0') >= C.MaxSelectedCampaigns then return '(other)' end
  agg_write(t, 'HINCRBY', t.sel, '#n', 1)
  agg_write(t, 'HSET', t.sel, '#|' .. campaign, 1)
  return campaign
end

-- The session (whose dedup set is `seen`) selected `campaign`: it joins that campaign's cohort, once.
local function agg_select(t, sess, seen, campaign)
  if redis.call('SADD', seen, 's:' .. campaign) == 0 then return end
  local key = sel_key(t, campaign)
  agg_write(t, 'HINCRBY', t.sel, M.Sessions .. '|' .. key, 1)
  for _, f in ipairs(SEL_FLAGS) do
    if redis.call('SISMEMBER', seen, f[2]) == 1 then agg_write(t, 'HINCRBY', t.sel, f[1] .. '|' .. key, 1) end
  end
  agg_retain(t)
end

-- Adds one to `metric|attribution key` of the session's current last touch in the partition-day counters `t`, and
-- to the cohort of the campaign it has selected.
local function agg(t, sess, metric)
  local campaign = agg_count(t, sess, metric)
  if SEL_METRIC[metric] then
    if campaign then agg_write(t, 'HINCRBY', t.sel, metric .. '|' .. sel_key(t, campaign), 1) end
  end
  agg_retain(t)
end

-- The outbox holds an event's entry once for all its destinations: `items` field `{session}:{event}` (the entry id
-- without its destination, Delivery.OutboxId.ItemOf) holds the JSON, field '#' .. item counts the destinations still
-- to settle it; `due` holds one id per destination (`{destination}:{session}:{event}`), each leased, retried and
-- dead-lettered on its own. (Entries queued before this layout sit under their own id: read and deleted as a fallback.)
local function outbox_item(id) return string.sub(id, string.find(id, ':', 1, true) + 1) end

-- Queues an event's entry for the destinations whose ids are in `ids` (all of one event), due at `at` (ms):
-- two commands whatever the number of destinations.
local function enqueue(due, items, at, ids, entry)
  if #ids == 0 then return end
  local item = outbox_item(ids[1])
  redis.call('HSET', items, item, entry, '#' .. item, #ids)
  local z = {}
  for _, id in ipairs(ids) do z[#z + 1] = at; z[#z + 1] = id end
  redis.call('ZADD', due, unpack(z))
end

-- Queues one destination's id again (a replayed dead letter) with its entry, due at `at`. A sibling destination may
-- still hold the shared entry: it is kept as it is (the same event's JSON), never overwritten.
local function requeue(due, items, at, id, entry)
  local item = outbox_item(id)
  redis.call('HINCRBY', items, '#' .. item, 1)
  redis.call('HSETNX', items, item, entry)
  redis.call('ZADD', due, at, id)
end

-- The entry of a destination's id (nil if gone).
local function outbox_entry(items, id)
  local item = outbox_item(id)
  local entry = redis.call('HGET', items, item)
  if entry then return entry end
  return redis.call('HGET', items, id) or nil
end

-- One destination is finished with its id: the entry goes when no destination needs it any more. An entry of the
-- old layout (under its own id) is deleted alone: it never counted in the shared entry's destinations.
local function outbox_done(items, id)
  if redis.call('HDEL', items, id) == 1 then return end
  local item = outbox_item(id)
  if redis.call('HINCRBY', items, '#' .. item, -1) <= 0 then redis.call('HDEL', items, item, '#' .. item) end
end

-- The ids of a script's L.outbox list ({id} records), as enqueue takes them.
local function outbox_ids(list)
  local ids = {}
  for _, o in ipairs(list) do ids[#ids + 1] = o.id end
  return ids
end

-- Sets the same TTL (seconds) on each key.
local function refresh(ttl, ...)
  for _, key in ipairs({...}) do redis.call('EXPIRE', key, ttl) end
end

-- HSET of a list of {name, value} records in one command (no-op when empty).
local function hset_pairs(key, pairs_list)
  if #pairs_list == 0 then return end
  local flat = {}
  for _, p in ipairs(pairs_list) do flat[#flat + 1] = p.name; flat[#flat + 1] = p.value end
  redis.call('HSET', key, unpack(flat))
end

-- The session's consent as the last members of an outbox entry's JSON (OutboxEntry.ConsentMarketing/Analytics):
-- what was in force when the entry was queued, honoured if the session has expired by the time it is sent.
local function consent_members(sess)
  local c = redis.call('HMGET', sess, F.ConsentMarketing, F.ConsentAnalytics)
  local function v(x) if x == 'granted' or x == 'denied' then return x end return 'pending' end
  return ',"consentMarketing":"' .. v(c[1]) .. '","consentAnalytics":"' .. v(c[2]) .. '"}'
end

local function with_consent(entry, members)
  return string.sub(entry, 1, -2) .. members
end
