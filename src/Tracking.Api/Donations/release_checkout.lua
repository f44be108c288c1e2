-- Gives back a slot Stripe never filled (Stripe refused or was unreachable). A slot that already holds a Checkout
-- Session id (a concurrent double-click succeeded) is kept. A ledger left with nothing but a zero count is removed,
-- so a failed checkout leaves Redis as it found it. Answers released: 1 when a slot was released, else 0.
if redis.call('HGET', K.ledger, 'slot:' .. A.slot) ~= 'pending' then return {'released', 0} end
redis.call('HDEL', K.ledger, 'slot:' .. A.slot)
if redis.call('HINCRBY', K.ledger, 'slots', -1) <= 0 and redis.call('HLEN', K.ledger) == 1 then
  redis.call('DEL', K.ledger)
end
return {'released', 1}
