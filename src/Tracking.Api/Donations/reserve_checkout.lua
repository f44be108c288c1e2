-- Reserves one of the session's Checkout Session slots before Stripe is called, keyed by the request's Stripe
-- idempotency key: a double-click (same key, which Stripe answers with the same Checkout Session) reuses its slot.
-- Ledger fields: 'slot:{key}' = 'pending' until initiate_checkout.lua writes the Checkout Session id; 'slots' = count.
-- Returns 0 (no session), 1 (reserved, or already held by this key), -1 (limit reached: nothing written).
if redis.call('EXISTS', K.sess) == 0 then return 0 end
if redis.call('HEXISTS', K.ledger, 'slot:' .. A.slot) == 1 then return 1 end
if (tonumber(redis.call('HGET', K.ledger, 'slots')) or 0) >= tonumber(A.max) then return -1 end
redis.call('HSET', K.ledger, 'slot:' .. A.slot, 'pending')
redis.call('HINCRBY', K.ledger, 'slots', 1)
redis.call('EXPIRE', K.ledger, tonumber(A.ledger_ttl))
return 1
