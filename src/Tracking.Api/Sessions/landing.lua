--- @include "new_session"
--- @include "visitor_index"
--- @include "index_member"
-- A landing in one script: the session and its visitor's visit, counted and indexed as count_visit.lua does (export
-- and erasure find the session there), the count kept on the session, and the page's PostHog id (A.posthog, the
-- index member, '' for none) in the visitor's index. The visitor's keys are on the session's slot: a new visitor's id
-- is made there (Storage/Ids.NewVisitorId), a known visitor's new session is made on the visitor's slot
-- (Ids.NewSessionId(slot)). A retried landing (the session exists) counts nothing.

-- The first visit of a visitor whose id this page load minted (A.new_visitor '1': 128 random bits, so it has no keys
-- yet): its keys are made whole, with the PostHog id, without the reads a known visitor's need (its count, the
-- index's size and life). Returns the count, and 1 when the PostHog id is in the index (else 0).
local function first_visit()
  local ttl = tonumber(A.visitor_ttl)
  if A.posthog ~= '' then
    redis.call('SADD', K.index, A.session, A.posthog)
  else
    redis.call('SADD', K.index, A.session)
  end
  redis.call('ZADD', K.sessions, A.now, A.session)
  redis.call('SET', K.count, 1, 'EX', ttl)
  redis.call('EXPIRE', K.index, ttl)
  redis.call('EXPIRE', K.sessions, ttl)
  return 1, A.posthog ~= '' and 1 or 0
end

-- A known visitor's new visit (or one whose keys expired): counted once, its keys kept alive, the PostHog id indexed
-- (bounded, index_member.lua). Returns as first_visit.
local function next_visit()
  local count
  if index_session() then
    count = redis.call('INCR', K.count)
  else
    count = tonumber(redis.call('GET', K.count)) or 1
  end
  visitor_keep()
  local posthog = 0
  if A.posthog ~= '' then posthog = index_member(K.index, A.posthog, A.max_posthog, A.posthog_prefix, '') end
  return count, posthog
end

-- Answers as create_session (new_session.lua; `charge` as it takes it), and when Created: posthog: 1 when the PostHog
-- id is in the visitor's index (the id's own index, on another slot, then gets the visitor: a new session is a new
-- visit, which renews it), else 0.
local function landing(charge)
  local posthog = 0
  local created = create_session(charge, function()
    local count
    count, posthog = (A.new_visitor == '1' and first_visit or next_visit)()
    return {F.SessionCount, count}
  end)
  if created[2] == S.Created then
    created[#created + 1] = 'posthog'
    created[#created + 1] = posthog
  end
  return created
end
