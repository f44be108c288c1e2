-- Creates a session: its hash fields, its first touch, the request context, and the day's counters.
hset_pairs(K.sess, L.fields)
agg(K.agg, K.agg_keys, K.sess, M.Sessions, tonumber(A.retain))
agg(K.agg, K.agg_keys, K.sess, M.Touches, tonumber(A.retain))
redis.call('RPUSH', K.touches, A.touch)
if A.ip ~= '' then redis.call('HSET', K.client, CF.Ip, A.ip) end
if A.ua ~= '' then redis.call('HSET', K.client, CF.UserAgent, A.ua) end
refresh(tonumber(A.ttl), K.sess, K.touches, K.client)
return 1
