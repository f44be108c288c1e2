-- Reserves one of the session's Checkout Session slots before Stripe is called, keyed by the request's Stripe
-- idempotency key: a double-click (same key, which Stripe answers with the same Checkout Session) reuses its slot.
-- Ledger fields: 'slot:{key}' = 'pending' until initiate_checkout.lua writes the Checkout Session id; 'slots' = count.
-- Answers Donations.SlotStatus: Reserved (or already held by this key), UnknownSession, LimitReached (nothing written).
if redis.call('EXISTS', K.sess) == 0 then return {'status', S.UnknownSession} end
if redis.call('HEXISTS', K.ledger, 'slot:' .. A.slot) == 1 then return {'status', S.Reserved} end
if (tonumber(redis.call('HGET', K.ledger, 'slots')) or 0) >= tonumber(A.max) then return {'status', S.LimitReached} end
redis.call('HSET', K.ledger, 'slot:' .. A.slot, 'pending')
redis.call('HINCRBY', K.ledger, 'slots', 1)
redis.call('EXPIRE', K.ledger, tonumber(A.ledger_ttl))
return {'status', S.Reserved}
