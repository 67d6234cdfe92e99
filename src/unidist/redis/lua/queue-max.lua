-- Set (or clear) a queue's maxLength and trim the queue to it now.
-- Guarantees, atomically: after this, the queue holds at most maxLength messages, the newest.
-- KEYS: 1 queue list, 2 queue-max hash
-- ARGV: 1 queue name, 2 maxLength ('' = unbounded)
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
return 0
