import type { ProcessBlock } from 'procblock';

/** Simplest demo possible: a random number from 0 to 100. */
export const processBlock: ProcessBlock = async () => {
  return { random: Math.floor(Math.random() * 101) };
};
