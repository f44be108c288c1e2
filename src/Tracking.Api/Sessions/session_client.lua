-- The request context kept beside a session (K.client: last IP and user agent, for Meta's server events), shared by
-- new_session.lua and session_touch.lua: one HSET, values the request lacks left as they were.
local function set_client()
  local fields = {}
  if A.ip ~= '' then fields[#fields + 1] = CF.Ip; fields[#fields + 1] = A.ip end
  if A.ua ~= '' then fields[#fields + 1] = CF.UserAgent; fields[#fields + 1] = A.ua end
  if #fields > 0 then redis.call('HSET', K.client, unpack(fields)) end
end
