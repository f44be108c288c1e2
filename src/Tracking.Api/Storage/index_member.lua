-- Adds member to the index set, bounded (shared by index_add.lua and the session scripts, which add a PostHog id to
-- the visitor's index): at most max members counted among those starting with prefix ('' counts every member). A
-- member already there is kept. When the set is full, overflow ('' for none) is added instead: a marker that stays,
-- so a reader knows the set did not record everyone.
-- Returns 1 when the member is in the set (else 0: the set was full), and 1 when this call added it.
local function index_member(set, member, max, prefix, overflow)
  if redis.call('SISMEMBER', set, member) == 1 then return 1, 0 end
  local count = redis.call('SCARD', set)
  -- Fewer members than the bound in all: fewer with the prefix too, without a scan.
  if prefix ~= '' and count >= tonumber(max) then
    count = 0
    local cursor = '0'
    repeat
      local page = redis.call('SSCAN', set, cursor, 'MATCH', prefix .. '*', 'COUNT', 100)
      cursor = page[1]
      count = count + #page[2]
    until cursor == '0'
  end
  if count < tonumber(max) then
    redis.call('SADD', set, member)
    return 1, 1
  end
  if overflow ~= '' then redis.call('SADD', set, overflow) end
  return 0, 0
end

-- index_member, and the set lives at least `ttl` seconds from now; a longer life it already has is kept (an index
-- shared with records that live longer, such as conversions). Returns index_member's first answer.
local function index_add(set, member, max, prefix, overflow, ttl)
  local kept = index_member(set, member, max, prefix, overflow)
  if redis.call('TTL', set) < tonumber(ttl) then redis.call('EXPIRE', set, ttl) end
  return kept
end
