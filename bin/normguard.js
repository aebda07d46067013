#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so the installed command and `npm run normguard` are the same program.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
