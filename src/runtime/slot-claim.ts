/**
 * Cluster-safe RunThreads (SPEC §5, `singleton: true` / `lock: NAME`): each tick slot runs on
 * exactly one of the processes sharing the unidist back end.
 *
 * How a slot is named across processes: the thread's slots sit on the epoch grid (slot time =
 * k·interval since 1970, so every process computes the same times whatever its start), and slot
 * t is claimed by taking the unidist lock `__slot:<NAME>:<t>` with timeout 0 and a TTL of one
 * interval plus a minute. The first process to take it runs the tick; the others see the lock
 * held and count the slot as `ranElsewhere`. A claim is never released: it marks the slot as
 * taken until its TTL, which covers every process that could still come for that slot (timers
 * fire at most a little late; a process more than one interval late runs only the latest slot).
 * When the process that ran a slot dies, nothing is left to hand over: the next slot is claimed
 * by whichever survivor comes first. Clocks of different machines must agree to well within one
 * interval (NTP), or two processes could see different slots as "now".
 */
import type { Unidist } from '../unidist/types.js';

/** How long a slot's claim outlives the slot's interval. */
export const CLAIM_GRACE_MS = 60_000;

export function slotClaimName(lock: string, tickTimeMs: number): string {
  return `__slot:${lock}:${Math.round(tickTimeMs)}`;
}

/** The claim hook of one cluster-safe RunThread. */
export function slotClaimer(unidist: Unidist, lock: string, intervalMs: number): (tickTimeMs: number) => Promise<boolean> {
  const ttl = intervalMs + CLAIM_GRACE_MS;
  return async (tickTimeMs) => (await unidist.lock.acquire(slotClaimName(lock, tickTimeMs), { timeout: 0, ttl })) !== null;
}
