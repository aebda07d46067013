#!/usr/bin/env node
// `npm run build`, second step: links the JavaScript tsc wrote to dist/src/ into a few files
// under dist/cli/, which bin/normguard.js runs. Node's ES module loader pays per file, and
// `check` alone loaded 413 of them (openai 154, zod 95, prom-client and OpenTelemetry 83,
// pino 30), which was most of its start-up; linked, it loads 18. Code splitting keeps each
// lazily imported command (start, eval, the chat adapters) in its own chunk, so `--help` still
// loads only its own code.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The packages on the one-shot command path are inlined; every other package (discord.js,
// Bolt, bullmq, keyv, the Redis and SQLite clients, with native modules and worker files)
// stays a normal import from node_modules, loaded only by the commands that need it.
const INLINE = ['openai', 'zod', 'pino', 'prom-client', 'lru-cache'];
const inlined = (pkg) => INLINE.includes(pkg) || INLINE_DEPS.some((dep) => pkg === dep || pkg.startsWith(`${dep}/`));
// What the inlined packages import in turn.
const INLINE_DEPS = ['@opentelemetry/api', 'tdigest', 'bintrees', 'pino-std-serializers', '@pinojs/redact', 'quick-format-unescaped', 'sonic-boom', 'atomic-sleep', 'on-exit-leak-free', 'thread-stream', 'safe-stable-stringify', 'pino-abstract-transport', 'real-require', 'process-warning', 'split2', 'fast-redact'];

// zod's `z` is a namespace object holding every export, its 40 locales included (~300 KB that
// the start-up would parse); `import * as z` lets esbuild keep only what the code uses.
const ZOD_NAMED = /^import \{ z \} from 'zod';$/m;

const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

// Chunk names carry content hashes: clear the last build's so dist/cli/ holds only this one.
rmSync(join(root, 'dist', 'cli'), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { main: 'dist/src/main.js' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // The CommonJS packages inlined here (pino, prom-client) call require() for Node built-ins,
  // which an ES module has no binding for.
  banner: { js: "import { createRequire as __ngCreateRequire } from 'node:module'; const require = __ngCreateRequire(import.meta.url);" },
  plugins: [
    {
      name: 'inline-only-the-check-path',
      setup(b) {
        b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          return ZOD_NAMED.test(text) ? { contents: text.replace(ZOD_NAMED, "import * as z from 'zod';"), loader: 'js', resolveDir: dirname(args.path) } : undefined;
        });
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:')) return { external: true };
          return inlined(packageOf(args.path)) ? undefined : { path: args.path, external: true };
        });
      },
    },
  ],
});
