-- Release a lock if, and only if, this handle still holds it; then wake the waiters.
-- Guarantees, atomically: a handle whose lock expired (or passed to another holder) never
-- deletes the new holder's lock; the release of a lock someone tried to take while it was held
-- (marked by lock-acquire.lua) publishes the name on the unlocked channel, so waiters in every
-- process wake without polling.
-- KEYS: 1 lock key, 2 lock-names set
-- ARGV: 1 name, 2 handle id, 3 unlocked channel, 4 now ms ('' = Redis TIME)
-- Returns 1 when released, 0 when this handle no longer held it (a stale token).
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
local c = cjson.decode(cur)
local expired = c[4] ~= '' and tonumber(c[4]) <= now_ms(ARGV[4])
if c[1] ~= ARGV[2] and not expired then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
if c[6] == 1 then redis.call('PUBLISH', ARGV[3], ARGV[1]) end
if expired then return 0 end
return 1
