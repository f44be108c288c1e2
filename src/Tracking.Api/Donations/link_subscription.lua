--- @include "hashes"
-- Links a recurring donation's subscription to its first payment, once: the link, the first payment's touch path
-- (copied: the session's touches and the conversion's day key expire long before the subscription ends), its place
-- among the partition's active subscriptions and the day's count of new ones. Answers Donations.SubscriptionStatus.
if redis.call('HSETNX', K.subs, A.subscription, A.link) == 0 then return {'status', S.AlreadyLinked} end
redis.call('HSET', K.subs, 'path:' .. A.subscription, redis.call('HGET', K.paths, A.checkout_id) or '[]')
redis.call('HSET', K.active, A.hashed, A.active)
redis.call('HINCRBY', K.day, 'new', 1)
refresh(tonumber(A.retain), K.subs, K.active, K.day)
return {'status', S.Linked}
