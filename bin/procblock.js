#!/usr/bin/env node
// The procblock CLI. The code lives in dist/ (built by `npm run build`, run by `npm ci`); the CLI
// runs from its bundle, dist/bundle/cli.js (see tools/build.mjs).
// A Ctrl-C while the CLI loads is kept for it (a first Ctrl-C is a graceful stop at any moment):
// main() takes the signals over synchronously, before this keeper is removed.
const earlySignals = [];
const keep = (signal) => earlySignals.push(signal);
process.on('SIGINT', keep).on('SIGTERM', keep);
const { main, processIo } = await import('../dist/bundle/cli.js');
const exit = main(process.argv.slice(2), { ...processIo, earlySignals });
process.off('SIGINT', keep).off('SIGTERM', keep);
process.exitCode = await exit;
