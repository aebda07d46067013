#!/usr/bin/env node
// The normguard command: runs the JavaScript compiled into dist/ (`npm run build`; `npm start`
// and `npm run normguard` build first when the sources are newer).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('normguard: not built yet: run `npm run build` in the normguard directory (npm start does it for you)\n');
  process.exit(2);
}
await import(main.href);
