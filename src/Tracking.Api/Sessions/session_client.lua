-- The request context kept beside a session (K.client: last IP and user agent, for Meta's server events), shared by
-- new_session.lua and session_touch.lua: one HSET, values the request lacks left as they were. Returns true when it
-- added a field (the hash may be new, and then needs its TTL).
local function set_client()
  local fields = {}
  if A.ip ~= '' then fields[#fields + 1] = CF.Ip; fields[#fields + 1] = A.ip end
  if A.ua ~= '' then fields[#fields + 1] = CF.UserAgent; fields[#fields + 1] = A.ua end
  return #fields > 0 and redis.call('HSET', K.client, unpack(fields)) > 0
end
