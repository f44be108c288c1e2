-- Small helpers for a session's keys and hashes.

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
