--- @include "visits"
--- @include "aggregates"
--- @include "outbox"
--- @include "hashes"
-- Records InitiateCheckout for a live session once per event id: session fields, the event, the day's first
-- checkout counter, its outbox entries, and the Checkout Session in its ledger slot. Answers Events.ServerEventStatus
-- (SessionFull: the session already holds A.max_events events, nothing recorded; CheckoutApi checks this before
-- calling Stripe, so only a race gets here).
if redis.call('EXISTS', K.sess) == 0 then return {'status', S.UnknownSession} end
-- The slot reserved by reserve_checkout.lua now holds the Checkout Session; counted again if a failing twin
-- request released it meanwhile (so a created Checkout Session is always counted).
if redis.call('HSET', K.ledger, 'slot:' .. A.slot, A.checkout_id) == 1 then redis.call('HINCRBY', K.ledger, 'slots', 1) end
-- The visitor, for a payment that succeeds after the session expired (export and erasure find it by visitor).
redis.call('HSET', K.ledger, 'visitor', redis.call('HGET', K.sess, F.VisitorId) or '')
redis.call('EXPIRE', K.ledger, tonumber(A.ledger_ttl))
if redis.call('SISMEMBER', K.seen, 'e:' .. A.event_id) == 1 then return {'status', S.AlreadyRecorded} end
if redis.call('ZCARD', K.events) >= tonumber(A.max_events) then return {'status', S.SessionFull} end
redis.call('SADD', K.seen, 'e:' .. A.event_id)
redis.call('HSET', K.sess, F.DonationInitiated, 'true', F.DonationAmount, A.amount, F.DonationCurrency, A.currency,
  F.CheckoutSessionId, A.checkout_id)
redis.call('ZADD', K.events, A.score, A.member)
local counters = agg_tiers()
-- The campaign donated to is the visitor's latest choice (and joins its cohort, if this is its first choice of it).
if A.campaign ~= '' then
  redis.call('HSET', K.sess, F.SelectedCampaign, A.campaign)
  agg_select(counters, K.sess, K.seen, A.campaign)
end
if redis.call('SADD', K.seen, 'f:checkout') == 1 then agg(counters, K.sess, M.Checkouts) end
-- InitiateCheckout joins the session's current visit (PostHog's $session_id), or starts one (visits.lua).
enqueue(K.due, K.items, A.now, outbox_ids(L.outbox), entry_with(A.entry, {visit_at(K.sess, tonumber(A.score))}))
refresh(tonumber(A.ttl), K.sess, K.events, K.seen)
return {'status', S.Recorded}
