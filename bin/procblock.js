#!/usr/bin/env node
// The procblock CLI. The code lives in dist/ (built by `npm run build`, run by `npm ci`); the CLI
// runs from its bundle, dist/bundle/cli.cjs, loaded by dist/bundle/launch.cjs (src/cli/launch.ts,
// tools/build.mjs). This file is CommonJS (bin/package.json): an ES-module entry would start
// Node's ES-module loader before anything else, which a one-shot run does not need.
'use strict';
const path = require('node:path');
require('../dist/bundle/launch.cjs').launch(path.join(__dirname, '../dist/bundle/cli.cjs'), process.argv.slice(2));
