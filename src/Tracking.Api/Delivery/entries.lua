-- An outbox entry is built in C# (Delivery.OutboxEntry, a JSON object) except the members only the script can know:
-- the visit it joins and the consent in force when it is queued (names from Storage.EntryMember, table E). They are
-- added as members, each encoded by cjson. The entry itself is never decoded and re-encoded: Redis's cjson would turn
-- a forwarded property's empty array into {} and round its numbers to 14 significant digits.
local function entry_with(entry, members)
  local body = string.match(entry, '^%s*{(.*)}%s*$')
  if not body then return redis.error_reply('outbox entry is not a JSON object') end
  local parts = {}
  if string.find(body, '%S') then parts[1] = body end
  for _, m in ipairs(members) do parts[#parts + 1] = cjson.encode(m[1]) .. ':' .. cjson.encode(m[2]) end
  return '{' .. table.concat(parts, ',') .. '}'
end

-- The consent a session holds (its fields `marketing` and `analytics`, false when absent) as members: what is
-- honoured if the session has expired by the time the entry is sent.
local function consent_of(marketing, analytics)
  local function v(x) if x == 'granted' or x == 'denied' then return x end return 'pending' end
  return {{E.ConsentMarketing, v(marketing)}, {E.ConsentAnalytics, v(analytics)}}
end

-- The session's consent, as members.
local function consent_members(sess)
  local c = redis.call('HMGET', sess, F.ConsentMarketing, F.ConsentAnalytics)
  return consent_of(c[1], c[2])
end
