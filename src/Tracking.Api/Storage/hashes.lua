-- Small helpers for a session's keys and hashes.

-- Redis's time in ms, read once per run of the script (one EVALSHA: a group commit's run holds many calls and lasts
-- about a millisecond), so TTLs are judged on the clock that keeps them.
local RUN = {ms = nil}
local function redis_now()
  if not RUN.ms then
    local now = redis.call('TIME')
    RUN.ms = now[1] * 1000 + math.floor(now[2] / 1000)
  end
  return RUN.ms
end

-- Sets the same TTL (seconds) on each key.
local function refresh(ttl, ...)
  for _, key in ipairs({...}) do redis.call('EXPIRE', key, ttl) end
end

-- refresh, for keys always refreshed together, only when `force` or when the last one's TTL has run down by more
-- than a small slack (30 s, or a hundredth of a short TTL): writes seconds apart cost one PEXPIRETIME instead of an
-- EXPIRE per key, each of which Redis rewrites as PEXPIREAT and propagates to every replica. The last key must be one
-- that every refresh of the others also refreshes (its TTL is the lowest of them). Returns when the keys expire (ms
-- since the epoch, on Redis's clock, never after the real expiry), so answers made from it never move back.
local function refresh_run_down(ttl, force, ...)
  local keys, ms = {...}, ttl * 1000
  if not force then
    local at = redis.call('PEXPIRETIME', keys[#keys])
    if at - redis_now() >= ms - math.min(30000, ms / 100) then return at end
  end
  refresh(ttl, ...)
  return redis_now() + ms
end

-- What the fields `names` hold once `cleared` ({name} records, optional) are deleted and `pairs_list` ({name, value}
-- records) written over `stored` (their values before, in `names`' order, false for none): a script that wrote them
-- knows them without reading the hash again.
local function fields_after(names, stored, pairs_list, cleared)
  local at, out = {}, {}
  for i, n in ipairs(names) do at[n], out[i] = i, stored[i] or false end
  for _, c in ipairs(cleared or {}) do if at[c.name] then out[at[c.name]] = false end end
  for _, p in ipairs(pairs_list) do if at[p.name] then out[at[p.name]] = p.value end end
  return out
end

-- A list of {name, value} records as HSET takes them (name, value, ... flat), after `first` (flat; optional), which
-- the records override.
local function flat_pairs(pairs_list, first)
  local flat = first or {}
  for _, p in ipairs(pairs_list) do flat[#flat + 1] = p.name; flat[#flat + 1] = p.value end
  return flat
end
