-- Set a state key and return its previous value; with a fence, only while that lock is held.
-- Guarantees, atomically: the bucket is listed in the buckets set whenever it has a key; a fenced
-- set happens only if the lock's stored token equals the fence's and its TTL has not passed.
-- A set that happens is published on the changes channel in the same step (order = apply order).
-- KEYS: 1 bucket hash, 2 buckets set, 3 (fenced only) the fence's lock key
-- ARGV: 1 bucket, 2 key, 3 JSON value, 4 fence token ('' = not fenced), 5 now ms ('' = Redis TIME),
--       6 changes channel
-- Returns {1, previous JSON or false} or {0} when the fence is stale.
if ARGV[4] ~= '' and not fence_holds(KEYS[3], ARGV[4], ARGV[5]) then return {0} end
local prev = redis.call('HGET', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[6], '{"kind":"state","bucket":' .. cjson.encode(ARGV[1]) .. ',"key":' .. cjson.encode(ARGV[2]) .. ',"deleted":false,"value":' .. ARGV[3] .. '}')
return {1, prev}
