--- @include "outbox"
--- @include "visits"
-- Each fresh event's outbox entry (store_events, event_writes.lua): one entry stored for all of the event's
-- destinations, stamped with the visit it belongs to and the consent its session gave.

-- Enqueues the entries of the L.events that are `fresh`: event i's with its visit's start (`starts[i]`), each with
-- `consent` (entries.lua, consent_of).
local function enqueue_events(fresh, starts, consent)
  local ids = {} -- event index -> its destinations' outbox ids (one entry stored for all of them)
  for _, o in ipairs(L.outbox) do
    local i = tonumber(o.event)
    if fresh[i] then
      if not ids[i] then ids[i] = {} end
      table.insert(ids[i], o.id)
    end
  end
  for i, e in ipairs(L.events) do
    if ids[i] then
      enqueue(K.due, K.items, A.now, ids[i], entry_with(e.entry, {visit_member(starts[i]), consent[1], consent[2]}))
    end
  end
end
