import { execFile } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisCommand } from '../support/redis.js';

/**
 * `npm test` on a machine without the services it needs: the suite's global setup stops at once
 * with one line naming the fix, instead of every Redis test waiting out its timeout.
 */
const VITEST = join(process.cwd(), 'node_modules', 'vitest', 'vitest.mjs');
// Killed after this long: a run that got this far is the slow failure this guards against.
const HANG_MS = 15_000;

interface Run {
  code: number | null;
  killed: boolean;
  stdout: string;
  stderr: string;
}

function vitestWith(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [VITEST, 'run', 'test/unit/errors.test.ts'], { env, timeout: HANG_MS, cwd: process.cwd() }, (err, stdout, stderr) => {
      resolve({ code: child.exitCode, killed: child.killed || (err !== null && 'signal' in err && err.signal !== null), stdout, stderr });
    });
  });
}

/** A PATH with node and nothing else: no redis-server on it. */
function pathWithoutRedis(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ng-path-'));
  symlinkSync(process.execPath, join(dir, 'node'));
  return dir;
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
    });
  });
}

const base = { HOME: process.env.HOME ?? '/tmp', CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', NO_COLOR: '1' };

describe('the test suite without its services', () => {
  it('Redis missing fails in seconds with the fix named', async () => {
    const run = await vitestWith({ ...base, PATH: pathWithoutRedis() });
    expect(run.killed).toBe(false);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/needs? the redis-server binary.*scripts\/setup-system.*apt-get install redis-server/);
    expect(run.stdout).not.toMatch(/Tests\s+\d+ passed/);
  });

  it('a REDIS_URL that does not answer is named, with the way out', async () => {
    const port = await closedPort();
    const run = await vitestWith({ ...base, PATH: process.env.PATH ?? '', REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` });
    expect(run.killed).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`REDIS_URL=redis://127.0.0.1:${port} does not answer: start Redis there, or unset REDIS_URL and the tests start a private redis-server`);
  });

  it('Chromium missing fails at once and names CHROMIUM_PATH', async () => {
    const run = await vitestWith({ ...base, PATH: process.env.PATH ?? '', CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(run.killed).toBe(false);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Chromium.*\/nonexistent\/chromium is missing.*scripts\/setup-system.*CHROMIUM_PATH/);
  });

  it('this run went through the same setup: the Redis it names answers', async () => {
    // REDIS_URL is the caller's, or the private server the setup started when none was given.
    expect(process.env.REDIS_URL).toMatch(/^redis:\/\//);
    expect(await redisCommand(['PING'])).toBe('PONG');
  });
});
