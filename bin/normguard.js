#!/usr/bin/env node
// The normguard command: runs the build in dist/cli/ (`npm run build`: tsc's JavaScript, linked by
// scripts/bundle.mjs so start-up reads a few files instead of hundreds; `npm start` and
// `npm run normguard` build first when the sources are newer).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('normguard: not built yet: run `npm run build` in the normguard directory (npm start does it for you)\n');
  process.exit(2);
}
await import(main.href);
