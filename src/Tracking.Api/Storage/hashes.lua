-- Small helpers for a session's keys and hashes.

-- Sets the same TTL (seconds) on each key.
local function refresh(ttl, ...)
  for _, key in ipairs({...}) do redis.call('EXPIRE', key, ttl) end
end

-- refresh, for keys always refreshed together, only when `force` or when the last one's TTL has run down by more
-- than a small slack (30 s, or a hundredth of a short TTL): writes seconds apart cost one PTTL instead of an EXPIRE
-- per key, each of which Redis rewrites as PEXPIREAT and propagates to every replica.
local function refresh_run_down(ttl, force, ...)
  local keys, ms = {...}, ttl * 1000
  if force or redis.call('PTTL', keys[#keys]) < ms - math.min(30000, ms / 100) then refresh(ttl, ...) end
end

-- HSET of a list of {name, value} records in one command (no-op when empty).
local function hset_pairs(key, pairs_list)
  if #pairs_list == 0 then return end
  local flat = {}
  for _, p in ipairs(pairs_list) do flat[#flat + 1] = p.name; flat[#flat + 1] = p.value end
  redis.call('HSET', key, unpack(flat))
end
