export { createRedisUnidist, type RedisUnidistOptions } from './create-redis-unidist.js';
export { RedisUnidist } from './redis-unidist.js';
export { parseRedisUrl, type RedisTarget } from './url.js';
