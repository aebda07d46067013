#!/usr/bin/env node
// Builds dist/ (`npm run build`) when it is missing or older than any product source, so
// `npm start`, the tests and the benchmarks always run JavaScript compiled from the current code,
// without paying for a full compile when nothing changed.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'dist', 'cli', 'main.js');
const inputs = ['src', 'commands', 'adapters', 'dashboard'];
const configs = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/bundle.mjs'];

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

const sources = Math.max(...inputs.map((d) => newest(join(root, d))), ...configs.map((f) => statSync(join(root, f)).mtimeMs));
if (existsSync(marker) && statSync(marker).mtimeMs >= sources) process.exit(0);

process.stderr.write('normguard: building dist/ (tsc -p tsconfig.build.json, then scripts/bundle.mjs)…\n');
try {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
} catch {
  // tsc still writes the JavaScript when types are wrong; only a missing build is fatal here.
  if (!existsSync(join(root, 'dist', 'src', 'main.js'))) process.exit(1);
  process.stderr.write('normguard: dist/ built with type errors (npm run typecheck shows them)\n');
}
execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
