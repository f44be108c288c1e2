-- A visitor's keys (K.count, K.index, K.sessions) kept alive by a visit; shared by visitor_index.lua and
-- visitor_touch.lua.

-- The visitor's keys live A.visitor_ttl seconds after its last visit. The index only ever gains time: once it holds
-- a conversion it lives as long as the conversion's record (DonationStore), which a visit must not cut short.
local function visitor_keep()
  local ttl = tonumber(A.visitor_ttl)
  redis.call('EXPIRE', K.count, ttl)
  redis.call('EXPIRE', K.sessions, ttl) -- a no-op while the key does not exist
  if redis.call('TTL', K.index) < ttl then redis.call('EXPIRE', K.index, ttl) end
end
