import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn the CLI and real worker threads; on a 2-core machine
    // more parallel files only add contention.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for something a server, a worker or a page does; beside other tests on
    // a 2-core machine that can take seconds. Vitest's default of 1 s made such waits fail under
    // load only. A poll still ends the moment its condition holds.
    expect: { poll: { timeout: 20_000 } },
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
