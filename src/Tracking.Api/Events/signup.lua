-- Records an e-mail signup for a live session: email_signup (and email_consent when given), the Lead event once
-- per session and address (event id), and its outbox entries stamped with the session's consent.
-- Returns 0 (no session), 1 (recorded), 2 (already recorded: the flags are still updated), 3 (the session already
-- holds A.max_events events: nothing recorded).
if redis.call('EXISTS', K.sess) == 0 then return 0 end
if redis.call('SISMEMBER', K.seen, 'e:' .. A.event_id) == 0 and redis.call('ZCARD', K.events) >= tonumber(A.max_events) then return 3 end
redis.call('HSET', K.sess, F.EmailSignup, 'true')
if A.consent ~= '' then redis.call('HSET', K.sess, F.EmailConsent, A.consent) end
local result = 2
if redis.call('SADD', K.seen, 'e:' .. A.event_id) == 1 then
  redis.call('ZADD', K.events, A.score, A.member)
  -- The Lead joins the session's current visit (PostHog's $session_id), or starts one (visits.lua).
  local entry = with_consent(visit_entry(K.sess, A.entry, tonumber(A.score)), consent_members(K.sess))
  enqueue(K.due, K.items, A.now, outbox_ids(L.outbox), entry)
  result = 1
end
refresh(tonumber(A.ttl), K.sess, K.events, K.seen)
return result
