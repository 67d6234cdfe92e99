import type { ProcessBlock } from 'procblock';

const PERIODS = ['1h', '1d', '1w', '1m', '1y'];

/** The graphs page: which period to show (`?period=`, one of the five; default an hour). */
export const processBlock: ProcessBlock = async (pipeData) => {
  const asked = typeof pipeData.period === 'string' ? pipeData.period : '';
  return { period: PERIODS.includes(asked) ? asked : '1h' };
};
