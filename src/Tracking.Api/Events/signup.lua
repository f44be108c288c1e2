--- @include "visits"
--- @include "outbox"
--- @include "hashes"
-- Records an e-mail signup for a live session: email_signup (and email_consent when given), the Lead event once
-- per session and address (event id), and its outbox entries stamped with the session's consent, for the first
-- max_leads addresses only: later ones are stored on the session and queue nothing (RecordedWithoutLead).
-- Answers Events.ServerEventStatus (AlreadyRecorded: the flags are still updated; SessionFull: nothing recorded).
if redis.call('EXISTS', K.sess) == 0 then return {'status', S.UnknownSession} end
if redis.call('SISMEMBER', K.seen, 'e:' .. A.event_id) == 0 and redis.call('ZCARD', K.events) >= tonumber(A.max_events) then
  return {'status', S.SessionFull}
end
redis.call('HSET', K.sess, F.EmailSignup, 'true')
if A.consent ~= '' then redis.call('HSET', K.sess, F.EmailConsent, A.consent) end
local status = S.AlreadyRecorded
if redis.call('SADD', K.seen, 'e:' .. A.event_id) == 1 then
  redis.call('ZADD', K.events, A.score, A.member)
  status = S.RecordedWithoutLead
  if redis.call('HINCRBY', K.sess, F.LeadCount, 1) <= tonumber(A.max_leads) then
    -- The Lead joins the session's current visit (PostHog's $session_id), or starts one (visits.lua).
    local consent = consent_members(K.sess)
    local entry = entry_with(A.entry, {visit_at(K.sess, tonumber(A.score)), consent[1], consent[2]})
    enqueue(K.due, K.items, A.now, outbox_ids(L.outbox), entry)
    status = S.Recorded
  end
end
refresh(tonumber(A.ttl), K.sess, K.events, K.seen)
return {'status', status}
