import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { configSchema, loadEnv, parseConfig, secretsOf } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has working defaults for an empty environment', () => {
    const c = parseConfig({});
    expect(c.OLLAMA_HOST).toEqual(['http://127.0.0.1:11434']);
    expect(c.NORMGUARD_MODEL).toBe('normguard');
    expect(c.NORMGUARD_VERDICT_METHOD).toBe('calibrated');
    expect(c.NORMGUARD_DATA_DIR).toBe('./data');
    expect(c.NORMGUARD_HTTP_HOST).toBe('127.0.0.1');
    expect(c.NORMGUARD_HTTP_PORT).toBe(8787);
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.NORMGUARD_SLOTS).toBe(1);
  });

  it('reads a comma-separated host list, adding http:// and dropping trailing slashes', () => {
    expect(parseConfig({ OLLAMA_HOST: 'gpu1:11434, http://gpu2:11434/ ,' }).OLLAMA_HOST).toEqual([
      'http://gpu1:11434',
      'http://gpu2:11434',
    ]);
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ REDIS_URL: '', NORMGUARD_API_TOKEN: '' }).REDIS_URL).toBeUndefined();
  });

  it('reports one line per problem with the variable, what is wrong and an example', () => {
    const lines = problems({
      NORMGUARD_VERDICT_METHOD: 'slow',
      NORMGUARD_HTTP_PORT: 'eighty',
      NORMGUARD_MAX_TOKENS: '-5',
      REDIS_URL: 'localhost:6379',
      OLLAMA_HOST: 'http://gpu:11434/v1',
      LOG_LEVEL: 'loud',
    });
    expect(lines).toHaveLength(6);
    expect(lines.find((l) => l.startsWith('NORMGUARD_VERDICT_METHOD'))).toMatch(/"slow".*structured.*fast/);
    expect(lines.find((l) => l.startsWith('NORMGUARD_HTTP_PORT'))).toMatch(/port number, e\.g\. 8787/);
    expect(lines.find((l) => l.startsWith('NORMGUARD_MAX_TOKENS'))).toMatch(/e\.g\. 512/);
    expect(lines.find((l) => l.startsWith('REDIS_URL'))).toMatch(/redis:\/\/127\.0\.0\.1:6379/);
    expect(lines.find((l) => l.startsWith('OLLAMA_HOST'))).toMatch(/no \/v1/);
    expect(lines.find((l) => l.startsWith('LOG_LEVEL'))).toMatch(/one of/);
  });

  it('refuses a non-loopback API without a token, naming the variable and the fix', () => {
    const [line] = problems({ NORMGUARD_HTTP_HOST: '0.0.0.0' });
    expect(line).toMatch(/^NORMGUARD_API_TOKEN: required when NORMGUARD_HTTP_HOST \(0\.0\.0\.0\)/);
    expect(parseConfig({ NORMGUARD_HTTP_HOST: '0.0.0.0', NORMGUARD_API_TOKEN: 'x'.repeat(24) }).NORMGUARD_HTTP_HOST).toBe('0.0.0.0');
    expect(parseConfig({ NORMGUARD_HTTP_HOST: '0.0.0.0', NORMGUARD_HTTP_ENABLED: 'false' }).NORMGUARD_HTTP_ENABLED).toBe(false);
  });

  it('never echoes a secret value in a problem line', () => {
    const [line] = problems({ NORMGUARD_API_TOKEN: 'short-secret' });
    expect(line).toMatch(/^NORMGUARD_API_TOKEN: must be at least 16/);
    expect(line).not.toContain('short-secret');
  });

  it('reads .env from the working directory, with the real environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ng-env-'));
    writeFileSync(join(dir, '.env'), 'NORMGUARD_MODEL=from-file\nNORMGUARD_HTTP_PORT=9999\n');
    const env = loadEnv(dir, { NORMGUARD_HTTP_PORT: '7000' });
    const c = parseConfig(env);
    expect(c.NORMGUARD_MODEL).toBe('from-file');
    expect(c.NORMGUARD_HTTP_PORT).toBe(7000);
    expect(loadEnv(join(dir, 'missing'), {})).toEqual({});
  });

  it('lists secrets for the logger to scrub', () => {
    const token = 'a'.repeat(20);
    const c = parseConfig({ NORMGUARD_API_TOKEN: token, REDIS_URL: 'redis://:p%40ssw0rd@127.0.0.1:6379' });
    expect(secretsOf(c, { DISCORD_TOKEN: 'discord-token-value' })).toEqual(expect.arrayContaining([token, 'p@ssw0rd', 'discord-token-value']));
  });

  it('.env.example documents every variable the schema reads', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const missing = Object.keys(configSchema.shape).filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
  });
});
