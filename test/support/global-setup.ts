import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

/**
 * vitest globalSetup: makes sure the services the suite needs are there before any test runs.
 * Without them the suite used to crawl through 20 s timeouts per Redis test; now a missing
 * service stops the run at once with one line naming the fix.
 *
 * - Chromium renders the evaluation report (CHROMIUM_PATH, default /usr/bin/chromium).
 * - dist/ is built when stale: the CLI tests run bin/normguard.js, the built program.
 * - redis-server: several tests start, kill and restart servers of their own, so the binary is
 *   needed in every case. With REDIS_URL unset, a private server on a free port serves the tests
 *   that share one Redis (no persistence, gone after the run); with REDIS_URL set, that server
 *   must answer.
 */
const SETUP_HINT = 'run scripts/setup-system (installs redis-server and chromium on Debian/Ubuntu)';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
const BUILD_IF_STALE = fileURLToPath(new URL('../../scripts/build-if-stale.mjs', import.meta.url));

let privateRedis: ChildProcess | undefined;
let privateRedisDir: string | undefined;

export default async function setup(): Promise<() => Promise<void>> {
  const chromium = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  if (!isExecutable(chromium)) {
    stop(
      `normguard tests need Chromium (to render the evaluation report) and ${chromium} is missing: ${SETUP_HINT}, or set CHROMIUM_PATH to a Chromium binary`,
    );
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    stop(`normguard tests need the redis-server binary on the PATH (tests start, kill and restart their own Redis): ${SETUP_HINT}, or apt-get install redis-server`);
  }
  // Tests run bin/normguard.js as users do, so dist/ must hold the current code.
  if (spawnSync(process.execPath, [BUILD_IF_STALE], { stdio: 'inherit' }).status !== 0) stop('normguard tests: the build failed (npm run build shows why)');
  const given = process.env.REDIS_URL;
  if (given) {
    if (!(await answersPing(given))) {
      stop(`REDIS_URL=${withoutPassword(given)} does not answer: start Redis there, or unset REDIS_URL and the tests start a private redis-server`);
    }
  } else {
    process.env.REDIS_URL = await startPrivateRedis();
  }
  return teardown;
}

async function teardown(): Promise<void> {
  const child = privateRedis;
  privateRedis = undefined;
  if (child && child.exitCode === null) {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
  if (privateRedisDir) rmSync(privateRedisDir, { recursive: true, force: true });
}

/** One line on stderr and out: vitest's own banner for a failed setup buries the fix in a stack trace. */
function stop(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function startPrivateRedis(): Promise<string> {
  const port = await freePort();
  privateRedisDir = mkdtempSync(join(tmpdir(), 'normguard-test-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', privateRedisDir],
    { stdio: 'ignore' },
  );
  privateRedis = child;
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await answersPing(url)) return url;
    await new Promise((r) => setTimeout(r, 25));
  }
  await teardown();
  return stop(`redis-server did not start on 127.0.0.1:${port}: set REDIS_URL to a running Redis, or check that redis-server runs`);
}

/** A raw RESP PING: any reply (PONG, or NOAUTH from a server with a password) means a Redis is there. */
function answersPing(redisUrl: string, timeoutMs = 1_000): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^[+-]/.test(data.toString('latin1'))));
  });
}

function withoutPassword(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}

