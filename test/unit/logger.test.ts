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
