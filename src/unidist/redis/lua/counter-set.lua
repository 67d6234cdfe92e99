-- Set a counter and return its previous value; with a fence, only while that lock is held.
-- Guarantees, atomically: a fenced set happens only if the lock's stored token equals the
-- fence's and its TTL has not passed (so a holder that stalled past its TTL writes nothing).
-- A set that happens is published on the changes channel in the same step (order = apply order).
-- KEYS: 1 counters hash, 2 (fenced only) the fence's lock key
-- ARGV: 1 counter name, 2 value (a JSON number), 3 fence token ('' = not fenced), 4 now ms ('' = Redis TIME),
--       5 changes channel
-- Returns {1, previous value as a string} or {0} when the fence is stale.
if ARGV[3] ~= '' and not fence_holds(KEYS[2], ARGV[3], ARGV[4]) then return {0} end
local prev = redis.call('HGET', KEYS[1], ARGV[1]) or '0'
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[5], '{"kind":"counter","name":' .. cjson.encode(ARGV[1]) .. ',"value":' .. ARGV[2] .. '}')
return {1, prev}
