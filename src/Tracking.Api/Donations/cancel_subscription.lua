--- @include "outbox"
--- @include "hashes"
-- Ends a recurring donation exactly once: out of the active ones, counted as cancelled on its day, its end kept beside
-- its link (once per Stripe event id, by the ledger), Monthly Donation Cancelled queued.
-- Answers Donations.SubscriptionStatus.
if redis.call('HEXISTS', K.subs, A.subscription) == 0 then
  -- Erased at the donor's request: its anonymous active entry ends, leaving an anonymous tombstone (K.ended, for as
  -- long as the ledger would keep the event) so a redelivery is recognised without writing the erased session's ledger.
  if redis.call('EXISTS', K.ended) == 1 then return {'status', S.AlreadyCancelled} end
  if redis.call('HDEL', K.active, A.hashed) == 0 then return {'status', S.NotLinked} end
  redis.call('SET', K.ended, A.at, 'EX', tonumber(A.ledger_ttl))
  redis.call('HINCRBY', K.day, 'cancelled', 1)
  refresh(tonumber(A.retain), K.day, K.active)
  return {'status', S.Erased}
end
if redis.call('HSETNX', K.ledger, 'evt:' .. A.stripe_event, 'cancel') == 0 then return {'status', S.DuplicateEvent} end
redis.call('EXPIRE', K.ledger, tonumber(A.ledger_ttl))
if redis.call('HDEL', K.active, A.hashed) == 0 then return {'status', S.AlreadyCancelled} end
redis.call('HINCRBY', K.day, 'cancelled', 1)
redis.call('HSET', K.subs, 'end:' .. A.subscription, A.at)
refresh(tonumber(A.retain), K.day, K.subs)
enqueue(K.due, K.items, A.now, outbox_ids(L.outbox), A.entry)
return {'status', S.Cancelled}
