-- Append a message to a queue, then drop the oldest beyond the queue's maxLength.
-- Guarantees, atomically: a queue never holds more than its maxLength after an add, and a
-- maxLength given with the add applies to it and to every later add (as setMaxLength does).
-- The add is published on the changes channel in the same step, so every subscriber sees the
-- adds of every process in the order they were applied.
-- KEYS: 1 queue list, 2 queue-max hash
-- ARGV: 1 queue name, 2 JSON message, 3 maxLength ('' = keep the current setting), 4 changes channel
-- Returns the queue's length after the add.
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
local len = redis.call('RPUSH', KEYS[1], ARGV[2])
local max = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if max > 0 and len > max then
  redis.call('LTRIM', KEYS[1], -max, -1)
  len = max
end
redis.call('PUBLISH', ARGV[4], '{"kind":"queue","name":' .. cjson.encode(ARGV[1]) .. ',"length":' .. len .. ',"message":' .. ARGV[2] .. '}')
return len
