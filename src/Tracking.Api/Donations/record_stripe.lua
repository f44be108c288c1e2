--- @include "visits"
--- @include "outbox"
--- @include "hashes"
-- Applies one verified Stripe event exactly once (ledger: by Stripe event id, and by Checkout Session for
-- conversions). A conversion marks the live session paid, queues Purchase, and keeps a durable conversion record
-- with its session's touch path (so attribution models can be recomputed after the session expires).
-- Answers Donations.StripeRecorded.
if redis.call('HSETNX', K.ledger, 'evt:' .. A.stripe_event, A.kind) == 0 then return {'status', S.DuplicateEvent} end
redis.call('EXPIRE', K.ledger, tonumber(A.ledger_ttl))
local live = redis.call('EXISTS', K.sess) == 1
-- The live session's events and dedup set die with it: a key written here (a session that stored no event before
-- its checkout) takes the session's remaining lifetime instead of none.
local function join_session()
  local left = redis.call('PTTL', K.sess)
  if left > 0 then
    redis.call('PEXPIRE', K.events, left)
    redis.call('PEXPIRE', K.seen, left)
  end
end
if A.kind ~= 'convert' then
  if live then
    redis.call('HSET', K.sess, F.DonationStatus, A.kind)
    redis.call('ZADD', K.events, A.at, A.member)
    join_session()
  end
  return {'status', A.kind == 'failed' and S.RecordedFailed or S.RecordedExpired}
end
if redis.call('HSETNX', K.ledger, 'cs:' .. A.checkout_id, A.stripe_event) == 0 then return {'status', S.AlreadyConverted} end
if live then
  redis.call('HSET', K.sess, F.DonationCompleted, 'true', F.DonationStatus, 'paid', F.DonationAmount, A.amount,
    F.DonationCurrency, A.currency, F.CheckoutType, A.checkout_type, F.ConvertedAt, A.at)
  if A.payment_method ~= '' then redis.call('HSET', K.sess, F.PaymentMethod, A.payment_method) end
  local first = tonumber(redis.call('HGET', K.sess, F.FirstTouchTimestamp))
  -- Stripe's event time has whole seconds: never report a negative duration.
  if first then redis.call('HSET', K.sess, F.TimeToConversion, math.max(0, tonumber(A.at) - first)) end
  redis.call('ZADD', K.events, A.at, A.member)
  redis.call('SADD', K.seen, 'e:' .. A.checkout_id)
  join_session()
end
-- The Purchase joins the session's current visit (PostHog's $session_id), or starts one, at the time the destinations
-- get (Stripe's, A.sent_at; visits.lua). A session that expired before the webhook has no visit: the entry carries none.
local entry = A.entry
if live then entry = entry_with(entry, {visit_at(K.sess, tonumber(A.sent_at))}) end
enqueue(K.due, K.items, A.now, outbox_ids(L.outbox), entry)
redis.call('HSET', K.conversions, A.checkout_id, A.conversion)
-- Each touch is already JSON (written by create/touch_session), so the path is their JSON array; touch_session.lua
-- caps the list (first touch + the latest Tracking__MaxTouchesPerSession - 1), so the path is capped the same way.
redis.call('HSET', K.paths, A.checkout_id, '[' .. table.concat(redis.call('LRANGE', K.touches, 0, -1), ',') .. ']')
refresh(tonumber(A.retain), K.conversions, K.paths)
if live then return {'status', S.Converted} end
return {'status', S.ConvertedUnattributed}
