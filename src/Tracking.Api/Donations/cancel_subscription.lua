--- @include "outbox"
--- @include "hashes"
-- Ends a recurring donation exactly once (by Stripe event id, and by its active entry): out of the active ones,
-- counted as cancelled on its day, its end kept beside its link, Monthly Donation Cancelled queued.
-- Answers Donations.SubscriptionStatus.
local linked = redis.call('HEXISTS', K.subs, A.subscription) == 1
if not linked and redis.call('HEXISTS', K.active, A.hashed) == 0 then return {'status', S.NotLinked} end
if redis.call('HSETNX', K.ledger, 'evt:' .. A.stripe_event, 'cancel') == 0 then return {'status', S.DuplicateEvent} end
redis.call('EXPIRE', K.ledger, tonumber(A.ledger_ttl))
if redis.call('HDEL', K.active, A.hashed) == 0 then return {'status', S.AlreadyCancelled} end
redis.call('HINCRBY', K.day, 'cancelled', 1)
refresh(tonumber(A.retain), K.day)
-- Erased at the donor's request: counted, nothing sent about them.
if not linked then return {'status', S.Erased} end
redis.call('HSET', K.subs, 'end:' .. A.subscription, A.at)
refresh(tonumber(A.retain), K.subs)
enqueue(K.due, K.items, A.now, outbox_ids(L.outbox), A.entry)
return {'status', S.Cancelled}
