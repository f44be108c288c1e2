--- @include "new_session"
--- @include "visitor_index"
--- @include "index_member"
-- A landing in one script: the session and its visitor's visit, counted and indexed as count_visit.lua does (export
-- and erasure find the session there), the count kept on the session, and the page's PostHog id (A.posthog, the
-- index member, '' for none) in the visitor's index. The visitor's keys are on the session's slot: a new visitor's id
-- is made there (Storage/Ids.NewVisitorId), a known visitor's new session is made on the visitor's slot
-- (Ids.NewSessionId(slot)). A retried landing (the session exists) counts nothing.

-- Answers as create_session (new_session.lua; `charge` as it takes it), and when Created: posthog: 1 when the PostHog
-- id is in the visitor's index (the id's own index, on another slot, then gets the visitor: a new session is a new
-- visit, which renews it), else 0.
local function landing(charge)
  local created = create_session(charge)
  if created[2] == S.Created then
    local count
    if index_session() then
      count = redis.call('INCR', K.count)
    else
      count = tonumber(redis.call('GET', K.count)) or 1
    end
    redis.call('HSET', K.sess, F.SessionCount, count)
    visitor_keep()
    local posthog = 0
    if A.posthog ~= '' then posthog = index_member(K.index, A.posthog, A.max_posthog, A.posthog_prefix, '') end
    created[#created + 1] = 'posthog'
    created[#created + 1] = posthog
  end
  return created
end
