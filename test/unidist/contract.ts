/**
 * The unidist contract: every back end (memory in-process, memory through the remote client,
 * Redis) must pass this suite. Time is a FakeClock the factory wires into the back end;
 * a back end that cannot take an injected clock (e.g. Redis with server-side TTLs) must map
 * `clock.advance()` onto its own notion of time.
 *
 * Cross-thread back ends: a request may still be in flight when the test advances the clock, so
 * tests call `sync(u)` (one harmless round trip) after starting a wait and before advancing.
 * The sections live in contract/, one per member.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { Unidist } from '../../src/unidist/types.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { describeCounterAndStateContract } from './contract/counters-state.js';
import type { ContractEnv } from './contract/env.js';
import { describeFencingContract } from './contract/fencing.js';
import { describeLogAndLifecycleContract } from './contract/lifecycle.js';
import { describeLockContract } from './contract/locks.js';
import { describeQueueContract } from './contract/queues.js';

export type UnidistFactory = (opts: { clock: FakeClock }) => Promise<Unidist>;

export function describeUnidistContract(name: string, factory: UnidistFactory): void {
  describe(`unidist contract: ${name}`, () => {
    // Filled before each test; sections read it inside their tests only.
    const env = {} as ContractEnv;

    beforeEach(async () => {
      env.clock = new FakeClock();
      env.u = await factory({ clock: env.clock });
    });
    afterEach(async () => {
      await env.u.close();
    });

    describeLockContract(env);
    describeCounterAndStateContract(env);
    describeQueueContract(env);
    describeFencingContract(env);
    describeLogAndLifecycleContract(env);
  });
}
