--- @include "outbox"
--- @include "hashes"
-- Records a paid renewal of a linked subscription exactly once (by Stripe event id, and by invoice: its conversion
-- record) as a conversion of the first payment's session, with that payment's touch path, on the day it was paid,
-- and queues Donation Renewed. Answers Donations.SubscriptionStatus.
if redis.call('HEXISTS', K.subs, A.subscription) == 0 then
  -- Erased at the donor's request (its active entry stays anonymous), or its first payment not recorded yet.
  if redis.call('HEXISTS', K.active, A.hashed) == 1 then return {'status', S.Erased} end
  return {'status', S.NotLinked}
end
if redis.call('HSETNX', K.ledger, 'evt:' .. A.stripe_event, 'renewal') == 0 then return {'status', S.DuplicateEvent} end
redis.call('EXPIRE', K.ledger, tonumber(A.ledger_ttl))
if redis.call('HSETNX', K.conversions, A.invoice, A.conversion) == 0 then return {'status', S.AlreadyRenewed} end
-- The renewal's payment, for whoever later matches a refund or dispute of it to this record.
if A.payment_intent ~= '' then redis.call('HSET', K.ledger, 'pi:' .. A.payment_intent, A.invoice) end
redis.call('HSET', K.paths, A.invoice, redis.call('HGET', K.subs, 'path:' .. A.subscription) or '[]')
enqueue(K.due, K.items, A.now, outbox_ids(L.outbox), A.entry)
refresh(tonumber(A.retain), K.conversions, K.paths, K.subs, K.active)
return {'status', S.Renewed}
