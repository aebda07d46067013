/** `normguard start --role …` / `--shards …` refuse a configuration that cannot work, before opening anything. */
import { describe, expect, it } from 'vitest';
import { EXIT, runCli } from '../../src/cli/index.js';

async function start(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['start', ...args], {
    env: { LOG_LEVEL: 'silent', NORMGUARD_HTTP_PORT: '0', ...env },
    cwd: '/nonexistent',
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stopSignal: Promise.resolve(),
  });
  return { code, stdout, stderr };
}

describe('normguard start: roles and shards need Redis', () => {
  it.each(['gateway', 'worker'])('--role %s without REDIS_URL stops with a config error naming REDIS_URL', async (role) => {
    const r = await start(['--role', role]);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).toMatch(new RegExp(`REDIS_URL: required for --role ${role}`));
    expect(r.stderr).toMatch(/redis:\/\/127\.0\.0\.1:6379/);
  });

  it('rejects an unknown role, listing the roles', async () => {
    const r = await start(['--role', 'janitor']);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).toMatch(/--role must be one of all, gateway, worker \(got "janitor"\)/);
  });

  it('--shards needs DISCORD_TOKEN and REDIS_URL, and is not for workers', async () => {
    expect((await start(['--shards', '2'])).stderr).toMatch(/--shards needs DISCORD_TOKEN/);
    expect((await start(['--shards', '2'], { DISCORD_TOKEN: 'x.y.z' })).stderr).toMatch(/REDIS_URL: required with --shards/);
    expect((await start(['--role', 'worker', '--shards', '2'], { REDIS_URL: 'redis://127.0.0.1:1' })).stderr).toMatch(/not workers/);
    expect((await start(['--shards', 'many'], { DISCORD_TOKEN: 'x.y.z', REDIS_URL: 'redis://127.0.0.1:1' })).stderr).toMatch(/--shards must be auto or a whole number/);
  });
});
