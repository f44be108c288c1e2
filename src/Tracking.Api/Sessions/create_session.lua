-- Creates a session: its hash fields, its first touch, the request context, and the day's counters.
hset_pairs(K.sess, L.fields)
local counters = agg_tiers(K.agg, K.agg_keys, K.agg_cand, K.agg_rank, L.report_campaigns, A.retain)
agg(counters, K.sess, M.Sessions)
agg(counters, K.sess, M.Touches)
redis.call('RPUSH', K.touches, A.touch)
if A.ip ~= '' then redis.call('HSET', K.client, CF.Ip, A.ip) end
if A.ua ~= '' then redis.call('HSET', K.client, CF.UserAgent, A.ua) end
refresh(tonumber(A.ttl), K.sess, K.touches, K.client)
return 1
