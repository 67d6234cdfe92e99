/**
 * Integration tests run the built package (`dist/`): the CLI is spawned and scripts run in
 * worker threads, neither of which goes through vitest's transform. Build up front, unless
 * dist/ was already built from these exact sources (tools/build.mjs keeps a content stamp), so
 * `npm ci && npm test` compiles once.
 */
export default async function setup(): Promise<void> {
  if (process.env.PROCBLOCK_SKIP_BUILD === '1') return;
  // @ts-expect-error -- a plain .mjs build script without type declarations
  const { build } = (await import('../../tools/build.mjs')) as { build: (o: { quiet: boolean }) => Promise<boolean> };
  await build({ quiet: true });
}
