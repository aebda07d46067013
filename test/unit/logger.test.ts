import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('redacts secret-named fields and scrubs known secret values from free text', () => {
    const { lines, destination } = capture();
    const secret = 'tok_9f8e7d6c5b4a3210';
    const log = createLogger({ level: 'info', secrets: [secret], destination });
    log.info({ token: secret, headers: { authorization: `Bearer ${secret}` } }, `calling with ${secret}`);
    log.error({ err: new Error(`failed for https://x/?key=${secret}`) }, 'boom');
    log.child({ component: 'x' }).warn({ nested: { deep: { value: secret } } }, 'nested');
    const all = lines.join('\n');
    expect(lines).toHaveLength(3);
    expect(all).not.toContain(secret);
    expect(all).toContain('[redacted]');
  });
});

describe('logger: errors keep their properties while secrets are scrubbed', () => {
  it('at level error, with a secret configured: code, retryable, cause, status and the class survive; the secret does not', async () => {
    const { lines, destination } = capture();
    const secret = 'xoxb-secret-1234567890';
    const log = createLogger({ level: 'error', secrets: [secret], destination });
    const { NormguardError } = await import('../../src/errors.js');
    // Shaped like discord.js's DiscordAPIError: an HTTP status and Discord's numeric code.
    class DiscordAPIError extends Error {
      readonly status = 403;
      readonly code = 50013;
      readonly method = 'POST';
      readonly url = `https://discord.com/api/v10/channels/1/messages?token=${secret}`;
      constructor() {
        super('Missing Permissions');
        this.name = 'DiscordAPIError[50013]';
      }
    }
    const root = new DiscordAPIError();
    const err = new NormguardError('STORE', `could not write with ${secret}`, { retryable: true, cause: root });
    log.error({ err }, 'effect failed');
    log.info({ err }, 'below the level: not written');

    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).not.toContain(secret);
    const entry = JSON.parse(line) as { err: Record<string, unknown> & { cause: Record<string, unknown> } };
    expect(entry.err).toMatchObject({ type: 'NormguardError', code: 'STORE', retryable: true, message: 'could not write with [redacted]' });
    expect(entry.err.stack).toContain('NormguardError');
    expect(entry.err.cause).toMatchObject({ type: 'DiscordAPIError', status: 403, code: 50013, method: 'POST', message: 'Missing Permissions' });
    expect(entry.err.cause.url).toBe('https://discord.com/api/v10/channels/1/messages?token=[redacted]');
  });

  it('an error that refers to itself is logged once, not followed forever', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'error', secrets: ['s3cr3t-value'], destination });
    const err = new Error('loop with s3cr3t-value') as Error & { self?: unknown };
    err.self = err;
    log.error({ err }, 'loop');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('s3cr3t-value');
  });
});
