-- Daily attribution counters of a partition-day, in two tiers (Storage/Aggregates.cs explains the scheme), written by
-- the projection (Projection/project.lua) from the facts of the log:
-- admitted keys (agg_keys, at most C.MaxAttributionKeys, never evicted) count in `agg`; any other key is a candidate
-- counted in `agg_cand` and ranked in `agg_rank` by facts counted (+ an age fraction), at most C.MaxCandidateKeys.
-- A new key evicts the candidate with the fewest facts, the oldest of those (its counts move to '(other)', totals stay
-- exact); a candidate with C.AdmitAfterFacts facts is admitted. Allow-listed campaigns skip the candidates.
local AGG_METRICS = {M.Sessions, M.Touches, M.ContentViews, M.Checkouts, M.Video25, M.Video50, M.Video75, M.Video95}
local AGG_OTHER = '(other)|||'
local AGG_SEQ = '#seq' -- field of agg_cand (no '|', so no counter): candidates inserted so far, for the age fraction
local AGG_AGE = 2 ^ 33 -- candidates of equal count are ordered by insertion: score = facts + seq / AGG_AGE

-- The counters of the script's partition-day (Projection.Projector's keys and allow-listed campaigns), as agg_count
-- takes them; every key lives A.retain seconds (Reports:RetentionDays) after its last write.
local function agg_counters()
  local allowed = {}
  for _, c in ipairs(L.report_campaigns) do allowed[c.name] = true end
  return {hash = K.agg, keys = K.agg_keys, cand = K.agg_cand, rank = K.agg_rank, sel = K.agg_sel, allowed = allowed,
    ttl = tonumber(A.retain), dirty = {}}
end

-- Every write to a counter key of `t` goes through here, so agg_retain refreshes the TTL of exactly the keys written
-- once per batch of facts (each command inside a script costs a few µs; a batch usually writes one or two of the five keys).
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

-- Adds one to `metric|attribution key` of a fact's last touch (its fields s, md, c, ct: source, medium, campaign,
-- content as the session held them).
local function agg_count(t, fact, metric)
  local raw = {fact.s, fact.md, fact.c, fact.ct}
  local parts = {}
  for i = 1, 4 do parts[i] = (string.gsub(raw[i] or '', '[|\n]', '_')) end
  local key = table.concat(parts, '|')
  if redis.call('SISMEMBER', t.keys, key) == 1 then
    agg_write(t, 'HINCRBY', t.hash, metric .. '|' .. key, 1)
    return
  end
  local room = redis.call('SCARD', t.keys) < C.MaxAttributionKeys
  if fact.c and t.allowed[fact.c] then
    if room then
      agg_move(t, key, key) -- counted as a candidate before the campaign was listed
      agg_write(t, 'SADD', t.keys, key)
      agg_write(t, 'HINCRBY', t.hash, metric .. '|' .. key, 1)
    else
      agg_write(t, 'HINCRBY', t.hash, metric .. '|(other)||' .. parts[3] .. '|', 1)
    end
    return
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
end
