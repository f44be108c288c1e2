-- The outbox holds an event's entry once for all its destinations: `items` field `{session}:{event}` (the entry id
-- without its destination, Delivery.OutboxId.ItemOf) holds the JSON, field '#' .. item counts the destinations still
-- to settle it; `due` holds one id per destination (`{destination}:{session}:{event}`), each leased, retried and
-- dead-lettered on its own.
local function outbox_item(id) return string.sub(id, string.find(id, ':', 1, true) + 1) end

-- Queues an event's entry for the destinations whose ids are in `ids` (all of one event), due at `at` (ms):
-- two commands whatever the number of destinations.
local function enqueue(due, items, at, ids, entry)
  if #ids == 0 then return end
  local item = outbox_item(ids[1])
  redis.call('HSET', items, item, entry, '#' .. item, #ids)
  local z = {}
  for _, id in ipairs(ids) do z[#z + 1] = at; z[#z + 1] = id end
  redis.call('ZADD', due, unpack(z))
end

-- Queues one destination's id again (a replayed dead letter) with its entry, due at `at`. A sibling destination may
-- still hold the shared entry: it is kept as it is (the same event's JSON), never overwritten.
local function requeue(due, items, at, id, entry)
  local item = outbox_item(id)
  redis.call('HINCRBY', items, '#' .. item, 1)
  redis.call('HSETNX', items, item, entry)
  redis.call('ZADD', due, at, id)
end

-- The entry of a destination's id (nil if gone).
local function outbox_entry(items, id)
  return redis.call('HGET', items, outbox_item(id)) or nil
end

-- One destination is finished with its id: the entry goes when no destination needs it any more.
local function outbox_done(items, id)
  local item = outbox_item(id)
  if redis.call('HINCRBY', items, '#' .. item, -1) <= 0 then redis.call('HDEL', items, item, '#' .. item) end
end

-- The ids of a script's outbox list ({id} records), as enqueue takes them.
local function outbox_ids(list)
  local ids = {}
  for _, o in ipairs(list) do ids[#ids + 1] = o.id end
  return ids
end

-- Ids per command when a script handles a batch in a few commands (Lua's unpack holds a few thousand values).
local outbox_chunk = 1000

-- The ids of `list` ({id} records) whose due time in `due` is `score`, in a command per chunk.
local function outbox_scored(due, list, score)
  local out = {}
  for from = 1, #list, outbox_chunk do
    local ids = {}
    for i = from, math.min(from + outbox_chunk - 1, #list) do ids[#ids + 1] = list[i].id end
    for n, s in ipairs(redis.call('ZMSCORE', due, unpack(ids))) do
      if tonumber(s) == score then out[#out + 1] = list[from + n - 1] end
    end
  end
  return out
end

-- outbox_done for a batch of ids ({id} records): a few commands per chunk of entries, and an entry whose
-- destinations are all in the batch is deleted without counting down.
local function outbox_forget(due, items, tries, list)
  local order, ids_of = {}, {}
  for _, r in ipairs(list) do
    local item = outbox_item(r.id)
    if not ids_of[item] then ids_of[item] = {}; order[#order + 1] = item end
    table.insert(ids_of[item], r.id)
  end
  for from = 1, #order, outbox_chunk do
    local ids, counts, chunk, gone = {}, {}, {}, {}
    for n = from, math.min(from + outbox_chunk - 1, #order) do
      local item = order[n]
      chunk[#chunk + 1] = item
      counts[#counts + 1] = '#' .. item
      for _, id in ipairs(ids_of[item]) do ids[#ids + 1] = id end
    end
    redis.call('ZREM', due, unpack(ids))
    redis.call('HDEL', tries, unpack(ids))
    for n, c in ipairs(redis.call('HMGET', items, unpack(counts))) do
      local item, left = chunk[n], #ids_of[chunk[n]]
      if (tonumber(c) or 0) <= left then
        gone[#gone + 1] = item; gone[#gone + 1] = '#' .. item
      else
        redis.call('HINCRBY', items, '#' .. item, -left)
      end
    end
    if #gone > 0 then redis.call('HDEL', items, unpack(gone)) end
  end
end
