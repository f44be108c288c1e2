-- Moves one partition's outbox entries written by versions before shared entries into the current layout, for the
-- ids in L.ids (candidates the caller found by scanning; each is checked here, so a second run changes nothing):
-- - an entry under its own id `{destination}:{session}:{event}` in `items`, its id still in `due` (or dead-lettered
--   without a body by a worker that could no longer read it) becomes the shared entry `{session}:{event}`, counted
--   once for that id; the ids in `due` and `tries` stay as they are, so each destination gets it once;
-- - a dead letter without a body whose event's shared entry is still there (an old worker could not read it and
--   never counted itself out of it) takes that entry as its body and counts itself out of it.
-- Self-contained (no shared includes): it runs once, and must read only what it is given.
local function item_of(id) return string.sub(id, string.find(id, ':', 1, true) + 1) end

local moved, bodies = 0, 0
for _, r in ipairs(L.ids) do
  local id = r.id
  if string.find(id, ':', 1, true) then
    local item = item_of(id)
    local own = redis.call('HGET', K.items, id)
    local dead = redis.call('HGET', K.dead, id)
    if own and redis.call('ZSCORE', K.due, id) then
      redis.call('HSETNX', K.items, item, own)
      redis.call('HINCRBY', K.items, '#' .. item, 1)
      redis.call('HDEL', K.items, id)
      moved = moved + 1
    elseif own and dead == '' then
      redis.call('HSET', K.dead, id, own)
      redis.call('HDEL', K.items, id)
      bodies = bodies + 1
    elseif dead == '' then
      local shared = redis.call('HGET', K.items, item)
      if shared then
        redis.call('HSET', K.dead, id, shared)
        if redis.call('HINCRBY', K.items, '#' .. item, -1) <= 0 then redis.call('HDEL', K.items, item, '#' .. item) end
        bodies = bodies + 1
      end
    end
  end
end
return cjson.encode({ moved = moved, bodies = bodies })
