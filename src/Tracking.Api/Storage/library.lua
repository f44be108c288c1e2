-- Shared by every script (prepended after F and C, before the script's own layout preamble).
local unpack = unpack or table.unpack

-- Adds one to `metric|attribution key` of the session's current last touch in the partition-day counters.
-- Distinct attribution keys per partition-day are capped; past the cap a fact counts under '(other)'.
-- Both keys live `ttl` seconds (Reports:RetentionDays) after their last write.
local function agg(hash, keyset, sess, metric, ttl)
  local f = redis.call('HMGET', sess, F.LastTouchSource, F.LastTouchMedium, F.LastTouchCampaign, F.LastTouchContent)
  local parts = {}
  for i = 1, 4 do parts[i] = (string.gsub(f[i] or '', '[|\n]', '_')) end
  local key = table.concat(parts, '|')
  if redis.call('SISMEMBER', keyset, key) == 0 then
    if redis.call('SCARD', keyset) >= C.MaxAttributionKeys then key = '(other)|||' else redis.call('SADD', keyset, key) end
  end
  redis.call('HINCRBY', hash, metric .. '|' .. key, 1)
  redis.call('EXPIRE', hash, ttl)
  if redis.call('EXISTS', keyset) == 1 then redis.call('EXPIRE', keyset, ttl) end
end

-- Queues one outbox entry under its id (ids are formed by Delivery.OutboxId), due at `at` (ms).
local function enqueue(due, items, at, id, entry)
  redis.call('HSET', items, id, entry)
  redis.call('ZADD', due, at, id)
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
