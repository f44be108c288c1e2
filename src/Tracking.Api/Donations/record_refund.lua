--- @include "outbox"
--- @include "hashes"
-- Records one refund or dispute event of a donation exactly once: by Stripe event id (the session's Stripe ledger),
-- and only over the state the gateway computed it from (A.expected; else Conflict, and the gateway reads again), so
-- two events of one donation applied at once cannot lose either. Queues the change (Donation Refunded) when the
-- refunded amount moved. Answers Donations.RefundStatus.
if redis.call('HEXISTS', K.ledger, 'evt:' .. A.stripe_event) == 1 then return {'status', S.DuplicateEvent} end
local current = redis.call('HGET', K.refunds, A.donation) or ''
if current ~= A.expected then return {'status', S.Conflict} end
redis.call('HSET', K.ledger, 'evt:' .. A.stripe_event, 'refund')
redis.call('EXPIRE', K.ledger, tonumber(A.ledger_ttl))
redis.call('HSET', K.refunds, A.donation, A.state)
refresh(tonumber(A.retain), K.refunds)
enqueue(K.due, K.items, A.now, outbox_ids(L.outbox), A.entry)
return {'status', S.Recorded}
