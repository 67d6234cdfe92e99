#!/usr/bin/env node
// The procblock CLI. The code lives in dist/ (built by `npm run build`, run by `npm ci`).
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
